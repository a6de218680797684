import NIOCore
import NIOSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TLS option that cannot be used, named with its file and why.
public struct TLSSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// One TLS context per TLS configuration: building a context loads the trust store and the
/// client certificate, too slow to repeat for each of thousands of sessions, and a bad file
/// should fail once, at the start, not at each connection.
final class TLSContextCache: Sendable {
    static let shared = TLSContextCache()

    /// How long a close waits for the server's close_notify: a peer that never answers
    /// must not hold the close (NIOSSL's default is 5 s).
    static let closeNotifyWait = TimeAmount.milliseconds(500)

    private let contexts = Mutex<[TLSOptions: NIOSSLContext]>([:])
    private let keyLogs = Mutex<[String: KeyLogFile]>([:])

    func context(for options: TLSOptions) throws(TLSSetupError) -> NIOSSLContext {
        if let context = self.contexts.withLock({ $0[options] }) { return context }
        let context = try self.makeContext(options)
        // Two sessions racing here build two equal contexts; the first stored wins.
        return self.contexts.withLock { contexts in
            if let existing = contexts[options] { return existing }
            contexts[options] = context
            return context
        }
    }

    private func makeContext(_ options: TLSOptions) throws(TLSSetupError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.shutdownTimeout = Self.closeNotifyWait
        if let caFile = options.caFile {
            _ = try Self.certificates(in: caFile, what: "CA file")
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        if options.insecure { configuration.certificateVerification = .none }
        switch (options.certFile, options.keyFile) {
        case (nil, nil):
            break
        case (let certFile?, let keyFile?):
            configuration.certificateChain = try Self.certificates(in: certFile, what: "cert file").map {
                .certificate($0)
            }
            configuration.privateKey = .privateKey(try Self.privateKey(in: keyFile))
        case (.some, nil):
            throw TLSSetupError(description: "a client certificate (cert) needs its private key (key)")
        case (nil, .some):
            throw TLSSetupError(description: "a private key (key) needs its client certificate (cert)")
        }
        if let path = options.keyLogFile {
            let keyLog = try self.keyLog(at: path)
            configuration.keyLogCallback = { line in keyLog.append(line) }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            let failure = TLSFailure(classifying: error, peerCertificate: nil, host: "", now: time(nil))
            if "\(error)".contains("KEY_VALUES_MISMATCH") {
                throw TLSSetupError(
                    description: "key file \(options.keyFile ?? ""): it is not the key of the cert file's certificate"
                )
            }
            throw TLSSetupError(description: "TLS setup failed: \(failure.map { "\($0)" } ?? "unknown error")")
        }
    }

    private static func certificates(in path: String, what: String) throws(TLSSetupError) -> [NIOSSLCertificate] {
        try self.checkReadable(path, what: what)
        let certificates: [NIOSSLCertificate]
        do { certificates = try NIOSSLCertificate.fromPEMFile(path) } catch {
            throw TLSSetupError(description: "\(what) \(path): not a PEM certificate file")
        }
        guard !certificates.isEmpty else {
            throw TLSSetupError(description: "\(what) \(path): no certificate in it")
        }
        return certificates
    }

    private static func privateKey(in path: String) throws(TLSSetupError) -> NIOSSLPrivateKey {
        try self.checkReadable(path, what: "key file")
        do { return try NIOSSLPrivateKey(file: path, format: .pem) } catch {
            throw TLSSetupError(description: "key file \(path): not an unencrypted PEM private key")
        }
    }

    private static func checkReadable(_ path: String, what: String) throws(TLSSetupError) {
        guard access(path, R_OK) == 0 else {
            throw TLSSetupError(description: "\(what) \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// One open file per key log path, shared by every context that writes to it.
    private func keyLog(at path: String) throws(TLSSetupError) -> KeyLogFile {
        let result: Result<KeyLogFile, TLSSetupError> = self.keyLogs.withLock { keyLogs in
            if let keyLog = keyLogs[path] { return .success(keyLog) }
            let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                return .failure(
                    TLSSetupError(description: "SSLKEYLOGFILE \(path): \(String(cString: strerror(errno)))")
                )
            }
            let keyLog = KeyLogFile(descriptor: descriptor)
            keyLogs[path] = keyLog
            return .success(keyLog)
        }
        return try result.get()
    }
}

/// The NSS key log file TLS secrets are appended to. Each line is one `write` to a file
/// opened with O_APPEND, so lines from several event loops never interleave. It stays open
/// for the life of the process.
final class KeyLogFile: Sendable {
    private let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func append(_ line: ByteBuffer) {
        line.withUnsafeReadableBytes { bytes in
            // A key log is a debugging aid: a failed write loses a line, never the session.
            _ = write(self.descriptor, bytes.baseAddress, bytes.count)
        }
    }
}
