import Foundation
import Testing
import WSMonLab
import WSMonTestSupport

/// Bad usage gives one clear line and exit status 64, never a stack trace.
@Suite("wsmon usage errors")
struct UsageTests {
    @Test(
        arguments: [
            (
                ["--headless", "http://example.com/"],
                "not a WebSocket URL: unsupported scheme 'http': use ws:// or wss://; did you mean ws://example.com/?"
            ),
            (
                ["--headless", "ws://example.com/", "--close-code", "1005"],
                "--close-code: 1005 is reserved for reporting and is never sent"
            ),
            (
                ["--headless", "ws://example.com/", "--duration", "soon"],
                "'--duration <duration>': must be a duration: 500ms, 2s, 1.5m, 1h or a number of seconds"
            ),
            (
                ["--headless", "ws://example.com/", "--close-timeout", "2x"],
                "'--close-timeout <duration>': must be a duration: 500ms, 2s, 1.5m, 1h or a number of seconds"
            ),
            (["--headless", "127.0.0.1:9001/echo"], "did you mean ws://127.0.0.1:9001/echo?"),
            (["--headless", "ws://example.com/", "--interval", "1s"], "--interval needs --interval-message"),
            (["--headless", "ws://example.com/", "--interval-message", "hi"], "--interval-message needs --interval"),
            (
                ["--headless", "--config", TestPaths.file("Tests/WSMonCommandTests/Fixtures/misspelt-key.toml")],
                "misspelt-key.toml:2: ping_intervall: unknown key; did you mean ping_interval?"
            ),
            (
                ["--headless", "--config", TestPaths.file("Tests/WSMonCommandTests/Fixtures/bad-url.toml")],
                "bad-url.toml:3: url: not a WebSocket URL (no ws:// or wss://); did you mean ws://127.0.0.1:9001/echo?"
            ),
            (["--headless", "ws://example.com/", "--io-threads", "0"], "--io-threads must be 1 to 256"),
            (["--headless", "ws://example.com/", "-H", "no colon"], "must be \"Name: value\""),
            (["--headless"], "give at least one ws:// or wss:// URL"),
            (
                ["--headless", "--config", TestPaths.file("Tests/WSMonCommandTests/Fixtures/bad-type.toml")],
                "bad-type.toml:9: close_timeout: must be a duration"
            ),
            (["--headless", "--config", "/nonexistent.toml"], "/nonexistent.toml: cannot read the file"),
            (
                [
                    "--theme", TestPaths.file("Tests/WSMonDashboardTests/Fixtures/themes/unknown-role.toml"),
                    "ws://example.com/",
                ],
                "unknown-role.toml:5: state.opne: unknown role"
            ),
            (
                ["--theme", "solarized", "ws://example.com/"],
                "solarized: unknown theme (available: default, light, high-contrast"
            ),
            (["ws://example.com/"], "the dashboard needs a terminal on stdin and stdout; use --headless"),
        ]
    )
    func badUsage(arguments: [String], message: String) async throws {
        let result = try await WSMonProcess.run(arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: ["--version", "-V"])
    func version(flag: String) async throws {
        let result = try await WSMonProcess.run([flag])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "0.1.0\n")
    }

    @Test func labOnABusyPortSaysSo() async throws {
        let lab = try await ScenarioLab.start(port: 0)
        defer { Task { try? await lab.shutdown() } }
        let result = try await WSMonProcess.run(["lab", "--port", String(lab.port)], timeout: .seconds(10))
        #expect(result.status == 64, "\(result.stderr)")
        #expect(
            result.stderr == "wsmon: cannot listen on 127.0.0.1:\(lab.port): port \(lab.port) is in use "
                + "(choose another with --port, or --port 0 for any free one)\n"
        )
    }
}
