import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonTestSupport

/// wss:// against Python websockets with a certificate made at test time.
@Suite("TLS", .serialized)
struct TLSTests {
    static let directory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-tls-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost", "-keyout", path + "/key.pem", "-out", path + "/cert.pem",
        ]
        openssl.standardError = FileHandle.nullDevice
        try? openssl.run()
        openssl.waitUntilExit()
        return path
    }()

    private func startServer() async throws -> PeerProcess {
        try await PeerProcess.start([
            "python3", TestPaths.file("Tests/Peers/tls_echo.py"), Self.directory + "/cert.pem",
            Self.directory + "/key.pem",
        ])
    }

    private func options(port: Int, configure: (inout SessionOptions) -> Void) throws -> SessionOptions {
        var options = SessionOptions(url: try WebSocketURL(parsing: "wss://localhost:\(port)/"))
        options.reconnect.isEnabled = false
        options.pingInterval = nil
        options.messagesOnOpen = [.text("over TLS")]
        configure(&options)
        return options
    }

    @Test func trustedCertificateOpensAndEchoes() async throws {
        let server = try await self.startServer()
        defer { server.stop() }
        let recorder = SessionRecorder()
        let session = recorder.start(
            try self.options(port: server.port) { $0.tls.caFile = Self.directory + "/cert.pem" }
        )
        try await recorder.wait { $0.texts == ["over TLS"] }
        session.close()
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.closeSummaries.first?.wasClean == true)
    }

    @Test func untrustedCertificateIsRefusedAsATLSFailure() async throws {
        let server = try await self.startServer()
        defer { server.stop() }
        let recorder = SessionRecorder()
        recorder.start(try self.options(port: server.port) { _ in })
        let events = try await recorder.wait { $0.stopped != nil }
        guard case .tlsFailure(let detail)? = events.connectErrors.first else {
            Issue.record("expected a TLS failure, got \(events.connectErrors)")
            return
        }
        #expect(detail.localizedCaseInsensitiveContains("certificate") || detail.contains("handshake"), "\(detail)")
        #expect(events.opens.isEmpty)
    }

    @Test func insecureModeSkipsVerificationWhenAskedExplicitly() async throws {
        let server = try await self.startServer()
        defer { server.stop() }
        let recorder = SessionRecorder()
        let session = recorder.start(try self.options(port: server.port) { $0.tls.insecure = true })
        try await recorder.wait { $0.texts == ["over TLS"] }
        session.close()
        try await recorder.wait { $0.stopped != nil }
    }
}
