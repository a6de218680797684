import Foundation

/// A server process the tests start on loopback (Python websockets, aiohttp, Node ws…).
/// It prints `READY <port>` once listening, and exits when its stdin closes (or on SIGTERM,
/// then SIGKILL). The blocking parts run on threads of their own, never on the cooperative
/// pool the tests' polling needs.
final class PeerProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    private let input = Pipe()

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    private init() {}

    /// Starts `arguments` (the executable is looked up in PATH) and waits for READY.
    static func start(_ arguments: [String], timeout: Duration = .seconds(20)) async throws -> PeerProcess {
        let peer = PeerProcess()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    try peer.launch(arguments, timeout: timeout)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        return peer
    }

    private func launch(_ arguments: [String], timeout: Duration) throws {
        let output = Pipe()
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        self.process.arguments = arguments
        self.process.standardOutput = output
        self.process.standardInput = self.input
        try self.process.run()
        let deadline = ContinuousClock.now + timeout
        var line = ""
        let handle = output.fileHandleForReading
        while !line.hasSuffix("\n") {
            guard ContinuousClock.now < deadline, self.process.isRunning else {
                throw StartError(
                    description:
                        "\(arguments.joined(separator: " ")) did not print READY (got \(line.debugDescription))"
                )
            }
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { continue }
            line += String(decoding: byte, as: UTF8.self)
        }
        let words = line.split(separator: " ")
        guard words.count == 2, words[0] == "READY",
            let port = Int(words[1].trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw StartError(description: "unexpected first line \(line.debugDescription)")
        }
        self.port = port
    }

    /// Closes the server's stdin (its signal to exit), then SIGTERM, then SIGKILL, on a
    /// thread of its own.
    func stop() {
        let process = self.process
        try? self.input.fileHandleForWriting.close()
        guard process.isRunning else { return }
        Thread.detachNewThread {
            let deadline = ContinuousClock.now + .seconds(2)
            while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning { process.terminate() }
            let killDeadline = ContinuousClock.now + .seconds(2)
            while process.isRunning && ContinuousClock.now < killDeadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    deinit {
        self.stop()
    }
}

/// Paths of files the tests use, relative to the package.
enum TestPaths {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func file(_ relative: String) -> String { self.packageRoot + "/" + relative }
}
