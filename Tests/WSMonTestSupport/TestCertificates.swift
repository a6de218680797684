import Foundation

/// The TLS tests' certificates, made once per test process by `Tests/Peers/make_certs.py`
/// (see it for what each one is), and the wss:// echo server that presents them.
public enum TestCertificates {
    public static let directory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-certs-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let maker = Process()
        maker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        maker.arguments = ["python3", TestPaths.file("Tests/Peers/make_certs.py"), path]
        try? maker.run()
        maker.waitUntilExit()
        return path
    }()

    /// `name.pem` ("good", "expired", "ca", "client"…).
    public static func certificate(_ name: String) -> String { self.directory + "/\(name).pem" }
    public static func key(_ name: String) -> String { self.directory + "/\(name)-key.pem" }

    /// A Python websockets echo server over TLS presenting `name`; with `requiringClientCertificate`,
    /// only a client certificate the test CA issued gets in.
    public static func startServer(
        presenting name: String,
        requiringClientCertificate: Bool = false
    ) async throws -> PeerProcess {
        var arguments = [
            "python3", TestPaths.file("Tests/Peers/tls_echo.py"), self.certificate(name), self.key(name),
        ]
        if requiringClientCertificate { arguments.append(self.certificate("ca")) }
        return try await PeerProcess.start(arguments)
    }
}
