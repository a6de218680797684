import Foundation
import Testing
import WSMonTestSupport

/// Bad usage gives one clear line and exit status 64, never a stack trace.
@Suite("wsmon usage errors")
struct UsageTests {
    @Test(
        arguments: [
            (["--headless", "http://example.com/"], "is not a WebSocket URL"),
            (["--headless", "ws://example.com/", "--close-code", "1005"], "--close-code: 1005 is reserved for reporting and is never sent"),
            (["--headless", "ws://example.com/", "--duration", "soon"], "--duration"),
            (["--headless", "ws://example.com/", "--io-threads", "0"], "--io-threads must be 1 to 256"),
            (["--headless", "ws://example.com/", "-H", "no colon"], "is not \"Name: value\""),
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
}
