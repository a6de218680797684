import Foundation
import Testing
import WSMonLab
import WSMonTestSupport

/// Secrets never reach stdout, the record, the dashboard or an error line, unless
/// `--show-secrets` asks for them.
@Suite("Redaction", .serialized)
struct RedactionCommandTests {
    static let secrets = ["abc123", "s3cr3t", "hunter2"]

    static func leaks(_ text: String) -> [String] { self.secrets.filter { text.contains($0) } }

    @Test func stdoutAndTheRecordCarryNoSecrets() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: record) }
        let arguments = [
            "--headless", "--no-reconnect", "--duration", "0.5s", "-H", "X-Custom-Token: s3cr3t", "--record", record,
            lab.url("/echo?token=abc123&page=2"),
        ]
        let hidden = try await WSMonProcess.run(arguments)
        let recorded = try String(contentsOfFile: record, encoding: .utf8)
        #expect(hidden.events("open").count == 1, "\(hidden.stdout)")
        #expect(Self.leaks(hidden.stdout + hidden.stderr).isEmpty, "\(hidden.stdout)")
        #expect(Self.leaks(recorded).isEmpty, "\(recorded)")
        let line = try #require(hidden.events("connecting").first)
        #expect((line["url"] as? String)?.hasSuffix("/echo?token=[redacted]&page=2") == true, "\(line)")
        #expect((line["name"] as? String)?.contains("token=[redacted]") == true, "\(line)")

        let shown = try await WSMonProcess.run(["--show-secrets"] + arguments)
        #expect(shown.stdout.contains("token=abc123"), "\(shown.stdout)")
    }

    @Test func errorLinesCarryNoSecrets() async throws {
        let refused = try RefusingPort()
        defer { refused.close() }
        let failed = try await WSMonProcess.run([
            "--headless", "--no-reconnect", "--proxy", "http://me:hunter2@127.0.0.1:\(refused.port)",
            "ws://example.invalid/?session=abc123",
        ])
        #expect(!failed.events("connect_failed").isEmpty, "\(failed.stdout)")
        #expect(Self.leaks(failed.stdout + failed.stderr).isEmpty, "\(failed.stdout)\(failed.stderr)")

        let userInfo = try await WSMonProcess.run(["--headless", "ws://user:hunter2@127.0.0.1:9/"])
        #expect(userInfo.status == 64)
        #expect(userInfo.stderr.contains("user:password@ is not allowed"), "\(userInfo.stderr)")
        #expect(Self.leaks(userInfo.stderr).isEmpty, "\(userInfo.stderr)")
    }

    @Test func theHeadersTabShowsSecretsRedactedUnlessAskedTo() async throws {
        let lab = try await ScenarioLab.start(port: 0)
        defer { lab.stop() }
        for showSecrets in [false, true] {
            let terminal = try TmuxTerminal(width: 120, height: 40)
            defer { terminal.close() }
            try terminal.run(
                "\(WSMonProcess.binary) \(showSecrets ? "--show-secrets " : "")-H 'X-Custom-Token: s3cr3t' "
                    + "-H 'Authorization: Bearer abc123' '\(lab.url("/echo?token=abc123"))'"
            )
            try await terminal.waitForScreen { $0.contains { $0.contains("● open") } }
            try terminal.press("Tab")
            try terminal.press("Tab")
            let headers = try await terminal.waitForScreen { $0.contains { $0.contains("X-Custom-Token") } }
            #expect(headers.matched, "\(headers.screen.joined(separator: "\n"))")
            let screen = headers.screen.joined(separator: "\n")
            if showSecrets {
                #expect(screen.contains("s3cr3t") && screen.contains("Bearer abc123"), "\(screen)")
            } else {
                #expect(Self.leaks(screen).isEmpty, "\(screen)")
                #expect(screen.contains("Bearer [redacted]") && screen.contains("token=[redacted]"), "\(screen)")
            }
            try terminal.press("q")
        }
    }

    @Test func theDashboardShowsATLSFailuresReason() async throws {
        let server = try await TestCertificates.startServer(presenting: "wrong-name")
        defer { server.stop() }
        let terminal = try TmuxTerminal(width: 120, height: 40)
        defer { terminal.close() }
        try terminal.run(
            "\(WSMonProcess.binary) --no-reconnect --ca-file \(TestCertificates.certificate("ca")) "
                + "wss://localhost:\(server.port)/"
        )
        try terminal.press("Tab")
        try terminal.press("Tab")
        let screen = try await terminal.waitForScreen {
            $0.joined().contains("not for localhost")
        }
        #expect(screen.matched, "\(screen.screen.joined(separator: "\n"))")
        #expect(screen.screen.contains { $0.contains("✗ TLS") }, "\(screen.screen.joined(separator: "\n"))")
        try terminal.press("q")
    }
}
