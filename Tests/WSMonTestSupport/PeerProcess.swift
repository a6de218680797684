import Foundation

/// A server process the tests start on loopback (Python websockets, aiohttp, Node ws…).
/// It prints `READY <port>` once listening, and exits when its stdin closes, on SIGTERM or
/// when this process dies (Tests/Peers/lifeline.py). Its stderr goes to a file, never to
/// ours: a straggler holding our stderr open would keep `swift test` waiting forever.
/// The blocking parts run on threads of their own, never on the cooperative pool.
public final class PeerProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var port = 0
    private let input = Pipe()
    public let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent(
        "wsmon-peer-\(UUID().uuidString).log"
    )

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    private init() {}

    /// Starts `arguments` (the executable is looked up in PATH) and waits for READY.
    public static func start(_ arguments: [String], timeout: Duration = .seconds(20)) async throws -> PeerProcess {
        let peer = PeerProcess()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    try peer.launch(arguments, timeout: timeout)
                    continuation.resume()
                } catch {
                    peer.stop()
                    continuation.resume(throwing: error)
                }
            }
        }
        return peer
    }

    private func launch(_ arguments: [String], timeout: Duration) throws {
        let output = Pipe()
        _ = FileManager.default.createFile(atPath: self.errorLog.path, contents: nil)
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        self.process.arguments = arguments
        self.process.standardOutput = output
        self.process.standardInput = self.input
        self.process.standardError = try FileHandle(forWritingTo: self.errorLog)
        try self.process.run()
        let line = try Self.readLine(from: output.fileHandleForReading, until: ContinuousClock.now + timeout)
        let words = line.split(separator: " ")
        guard words.count == 2, words[0] == "READY",
            let port = Int(words[1].trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            let errors = (try? String(contentsOf: self.errorLog, encoding: .utf8)) ?? ""
            throw StartError(
                description:
                    "\(arguments.joined(separator: " ")) did not print READY (got \(line.debugDescription)) \(errors)"
            )
        }
        self.port = port
    }

    /// Reads one line, giving up at `deadline` or at end of file.
    private static func readLine(from handle: FileHandle, until deadline: ContinuousClock.Instant) throws -> String {
        var line = ""
        while !line.hasSuffix("\n") {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return line }
            var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(remaining.components.seconds * 1000 + 1)) > 0 else { continue }
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { return line }
            line += String(decoding: byte, as: UTF8.self)
        }
        return line
    }

    /// Closes the server's stdin and sends SIGTERM now; a thread of its own sends SIGKILL
    /// if the process is still there two seconds later.
    public func stop() {
        let process = self.process
        try? self.input.fileHandleForWriting.close()
        guard process.isRunning else { return }
        process.terminate()
        Thread.detachNewThread {
            let deadline = ContinuousClock.now + .seconds(2)
            while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    deinit {
        self.stop()
    }
}

/// Paths of files the tests use, relative to the package.
public enum TestPaths {
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static func file(_ relative: String) -> String { self.packageRoot + "/" + relative }
}
