import Foundation
import Testing
import WSMonLab
import WSMonTestSupport

/// The binary over TLS: what JSON Lines say about verification and failures, client
/// certificates, SSLKEYLOGFILE.
@Suite("wsmon over TLS", .serialized)
struct TLSCommandTests {
    static let ca = TestCertificates.certificate("ca")

    @Test func openSaysWhetherTheCertificateWasVerified() async throws {
        let server = try await TestCertificates.startServer(presenting: "self-signed")
        defer { server.stop() }
        let url = "wss://localhost:\(server.port)/"
        let verified = try await WSMonProcess.run([
            "--headless", "--no-reconnect", "--duration", "0.5s", "--ca-file",
            TestCertificates.certificate("self-signed"),
            url,
        ])
        #expect(verified.events("open").first?["tls"] as? String == "verified", "\(verified.stdout)")
        let unverified = try await WSMonProcess.run([
            "--headless", "--no-reconnect", "--duration", "0.5s", "--insecure", url,
        ])
        #expect(unverified.events("open").first?["tls"] as? String == "unverified", "\(unverified.stdout)")

        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let plain = try await WSMonProcess.run(["--headless", "--no-reconnect", "--duration", "0.5s", lab.url("/echo")])
        let open = try #require(plain.events("open").first)
        #expect(open["tls"] == nil, "ws:// has no TLS to speak of")
    }

    @Test func aTLSFailureLineNamesTheReason() async throws {
        let server = try await TestCertificates.startServer(presenting: "expired")
        defer { server.stop() }
        let result = try await WSMonProcess.run([
            "--headless", "--no-reconnect", "--ca-file", Self.ca, "wss://localhost:\(server.port)/",
        ])
        let failed = try #require(result.events("connect_failed").first, "\(result.stdout)")
        #expect(failed["error"] as? String == "tls_failure")
        #expect(failed["tls_reason"] as? String == "certificate_expired")
        let detail = try #require(failed["detail"] as? String)
        #expect(detail == "TLS failed: the server's certificate (CN=localhost) expired on 2024-01-02 03:04 UTC")
        #expect(result.status == 1)
    }

    @Test func clientCertificateGetsPastAServerThatRequiresOne() async throws {
        let server = try await TestCertificates.startServer(presenting: "good", requiringClientCertificate: true)
        defer { server.stop() }
        let url = "wss://localhost:\(server.port)/"
        let refused = try await WSMonProcess.run(["--headless", "--no-reconnect", "--ca-file", Self.ca, url])
        let failed = try #require(refused.events("connect_failed").first, "\(refused.stdout)")
        // TLS 1.3 lets the client finish its handshake before the server checks for a
        // certificate, so the server's close can come after the upgrade request went out:
        // then it is the connection closing during the handshake, not a TLS failure.
        #expect(refused.events("open").isEmpty, "\(refused.stdout)")
        if failed["error"] as? String == "tls_failure" {
            #expect(failed["tls_reason"] as? String == "closed_after_handshake")
            #expect((failed["detail"] as? String)?.contains("--cert and --key") == true, "\(failed)")
        } else {
            #expect(["handshake_failed", "connection_lost"].contains(failed["error"] as? String), "\(failed)")
        }

        let accepted = try await WSMonProcess.run([
            "--headless", "--no-reconnect", "--duration", "0.5s", "--ca-file", Self.ca,
            "--cert", TestCertificates.certificate("client"), "--key", TestCertificates.key("client"), url,
        ])
        #expect(accepted.events("open").count == 1, "\(accepted.stdout)\(accepted.stderr)")
        #expect(accepted.status == 0)
    }

    @Test func badCertificateFilesAreClearErrorsAtTheStart() async throws {
        let missing = try await WSMonProcess.run([
            "--headless", "--cert", "/nonexistent/c.pem", "--key", TestCertificates.key("client"), "wss://localhost:9/",
        ])
        #expect(missing.status == 64)
        #expect(missing.stderr == "wsmon: cert file /nonexistent/c.pem: No such file or directory\n")
        #expect(missing.events.isEmpty)
        let wrongKey = try await WSMonProcess.run([
            "--headless", "--cert", TestCertificates.certificate("client"), "--key", TestCertificates.key("good"),
            "wss://localhost:9/",
        ])
        #expect(wrongKey.status == 64)
        #expect(wrongKey.stderr.contains("is not the key of the cert file's certificate"), "\(wrongKey.stderr)")
    }

    @Test func sslKeyLogFileGetsTheSecrets() async throws {
        let server = try await TestCertificates.startServer(presenting: "good")
        defer { server.stop() }
        let keyLog = TestCertificates.directory + "/command-keys-\(UUID().uuidString).log"
        let result = try await WSMonProcess.run(
            [
                "--headless", "--no-reconnect", "--duration", "0.5s", "--ca-file", Self.ca,
                "wss://localhost:\(server.port)/",
            ],
            environment: ["SSLKEYLOGFILE": keyLog]
        )
        #expect(result.events("open").count == 1, "\(result.stdout)")
        let lines = try String(contentsOfFile: keyLog, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("CLIENT_TRAFFIC_SECRET_0 ") }, "\(lines)")
    }
}
