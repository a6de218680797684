import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonTestSupport

/// wss:// against Python websockets with certificates made at test time: each way TLS can
/// fail is a `tls_failure` whose reason says what was wrong, in words.
@Suite("TLS", .serialized)
struct TLSTests {
    private func options(
        _ url: String = "wss://localhost",
        port: Int,
        path: String = "/",
        configure: (inout SessionOptions) -> Void = { _ in }
    ) throws -> SessionOptions {
        var options = SessionOptions(url: try WebSocketURL(parsing: "\(url):\(port)\(path)"))
        options.reconnect.isEnabled = false
        options.pingInterval = nil
        options.messagesOnOpen = [.text("over TLS")]
        options.tls.keyLogFile = nil
        configure(&options)
        return options
    }

    /// The one failure of a session against a server presenting `certificate`.
    private func failure(
        presenting certificate: String,
        url: String = "wss://localhost",
        configure: (inout SessionOptions) -> Void = { $0.tls.caFile = TestCertificates.certificate("ca") }
    ) async throws -> ConnectError? {
        let server = try await TestCertificates.startServer(presenting: certificate)
        defer { server.stop() }
        let recorder = SessionRecorder()
        recorder.start(try self.options(url, port: server.port, configure: configure))
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.opens.isEmpty)
        return events.connectErrors.first
    }

    @Test func trustedCertificateOpensAndEchoes() async throws {
        let server = try await TestCertificates.startServer(presenting: "good")
        defer { server.stop() }
        let recorder = SessionRecorder()
        let session = recorder.start(
            try self.options(port: server.port) { $0.tls.caFile = TestCertificates.certificate("ca") }
        )
        try await recorder.wait { $0.texts == ["over TLS"] }
        session.close()
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.closeSummaries.first?.wasClean == true)
    }

    @Test func expiredCertificateSaysWhenItExpired() async throws {
        let error = try await self.failure(presenting: "expired")
        #expect(error == .tlsFailure(.certificateExpired(subject: "CN=localhost", on: "2024-01-02 03:04 UTC")))
        #expect(
            error?.description == "TLS failed: the server's certificate (CN=localhost) expired on 2024-01-02 03:04 UTC"
        )
    }

    @Test func notYetValidCertificateSaysFromWhen() async throws {
        let error = try await self.failure(presenting: "future")
        #expect(error == .tlsFailure(.certificateNotYetValid(subject: "CN=localhost", until: "2099-05-06 07:08 UTC")))
    }

    @Test func selfSignedCertificatePointsToTheCAFile() async throws {
        let error = try await self.failure(presenting: "self-signed")
        #expect(error == .tlsFailure(.selfSigned(subject: "CN=localhost")))
        #expect(error?.description.contains("--ca-file") == true)
    }

    @Test func untrustedIssuerIsNamed() async throws {
        let error = try await self.failure(presenting: "untrusted")
        #expect(error == .tlsFailure(.untrustedIssuer(subject: "CN=localhost", issuer: "CN=wsmon rogue CA")))
        #expect(error?.description.contains("--ca-file") == true)
    }

    @Test func nameMismatchNamesBothTheHostAndTheCertificatesNames() async throws {
        let byName = try await self.failure(presenting: "wrong-name")
        #expect(byName == .tlsFailure(.nameMismatch(asked: "localhost", names: ["other.example"])))
        #expect(byName?.description == "TLS failed: the server's certificate is for other.example, not for localhost")
        // An IP literal sends no SNI; the address is what the certificate must name.
        let byAddress = try await self.failure(presenting: "wrong-name", url: "wss://127.0.0.1")
        #expect(byAddress == .tlsFailure(.nameMismatch(asked: "127.0.0.1", names: ["other.example"])))
    }

    @Test func noTLSErrorCarriesLibraryInternals() async throws {
        for certificate in ["expired", "self-signed", "wrong-name"] {
            let detail = try #require(try await self.failure(presenting: certificate)).description
            for libraryText in [".cc", ".swift", "checkouts", "error:", "NIOSSL", "BoringSSL"] {
                #expect(!detail.contains(libraryText), "\(certificate): \(detail)")
            }
        }
    }

    @Test func serverRequiringAClientCertificateRefusesWithoutOneAndAcceptsWithIt() async throws {
        let server = try await TestCertificates.startServer(presenting: "good", requiringClientCertificate: true)
        defer { server.stop() }
        let refused = SessionRecorder()
        refused.start(try self.options(port: server.port) { $0.tls.caFile = TestCertificates.certificate("ca") })
        let refusedEvents = try await refused.wait { $0.stopped != nil }
        // Python's asyncio drops the server's certificate_required alert: TCP just ends. With
        // TLS 1.3 that end can come after our handshake finished and the upgrade request went
        // out: then it is a connection lost during the handshake.
        #expect(!refusedEvents.contains { if case .opened = $0.kind { true } else { false } })
        let error = try #require(refusedEvents.connectErrors.first)
        if case .tlsFailure = error {
            #expect(error == .tlsFailure(.closedAfterHandshake))
            #expect(error.description.contains("--cert and --key"))
        } else {
            #expect(error.name == "connection_lost", "\(error)")
        }

        let accepted = SessionRecorder()
        let session = accepted.start(
            try self.options(port: server.port) {
                $0.tls.caFile = TestCertificates.certificate("ca")
                $0.tls.certFile = TestCertificates.certificate("client")
                $0.tls.keyFile = TestCertificates.key("client")
            }
        )
        try await accepted.wait { $0.texts == ["over TLS"] }
        session.close()
        try await accepted.wait { $0.stopped != nil }
    }

    @Test func badClientCertificateFilesAreRefusedBeforeAnyConnection() throws {
        var missing = TLSOptions()
        missing.certFile = "/nonexistent/client.pem"
        missing.keyFile = TestCertificates.key("client")
        #expect(throws: TLSSetupError(description: "cert file /nonexistent/client.pem: No such file or directory")) {
            try missing.prepare()
        }
        var notAKey = TLSOptions()
        notAKey.certFile = TestCertificates.certificate("client")
        notAKey.keyFile = TestCertificates.certificate("client")
        #expect(throws: TLSSetupError.self) { try notAKey.prepare() }
        var mismatched = TLSOptions()
        mismatched.certFile = TestCertificates.certificate("client")
        mismatched.keyFile = TestCertificates.key("good")
        #expect(throws: TLSSetupError.self) { try mismatched.prepare() }
        var alone = TLSOptions()
        alone.certFile = TestCertificates.certificate("client")
        #expect(throws: TLSSetupError(description: "a client certificate (cert) needs its private key (key)")) {
            try alone.prepare()
        }
    }

    @Test func keyLogFileGetsTheSessionsSecrets() async throws {
        let server = try await TestCertificates.startServer(presenting: "good")
        defer { server.stop() }
        let keyLog = TestCertificates.directory + "/keys-\(UUID().uuidString).log"
        let recorder = SessionRecorder()
        let session = recorder.start(
            try self.options(port: server.port) {
                $0.tls.caFile = TestCertificates.certificate("ca")
                $0.tls.keyLogFile = keyLog
            }
        )
        try await recorder.wait { $0.texts == ["over TLS"] }
        session.close()
        try await recorder.wait { $0.stopped != nil }
        let lines = try String(contentsOfFile: keyLog, encoding: .utf8).split(separator: "\n")
        // TLS 1.3's NSS key log labels, one secret per line.
        #expect(lines.contains { $0.hasPrefix("CLIENT_TRAFFIC_SECRET_0 ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("SERVER_HANDSHAKE_TRAFFIC_SECRET ") }, "\(lines)")
    }

    @Test func insecureModeSkipsVerificationWhenAskedExplicitly() async throws {
        let server = try await TestCertificates.startServer(presenting: "self-signed")
        defer { server.stop() }
        let recorder = SessionRecorder()
        let session = recorder.start(try self.options(port: server.port) { $0.tls.insecure = true })
        try await recorder.wait { $0.texts == ["over TLS"] }
        session.close()
        try await recorder.wait { $0.stopped != nil }
    }
}
