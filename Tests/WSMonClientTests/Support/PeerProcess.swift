import Foundation

/// A server process the tests start on loopback (Python websockets, aiohttp, Node ws…).
/// It prints `READY <port>` once listening; it is stopped with SIGTERM.
final class PeerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let input = Pipe()

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `arguments` (the executable is looked up in PATH) and waits for READY.
    init(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(20)) throws {
        let output = Pipe()
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        self.process.arguments = arguments
        self.process.standardOutput = output
        self.process.standardInput = self.input
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        self.process.environment = env
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

    /// Closes the server's stdin (its signal to exit), then SIGTERM, then SIGKILL.
    func stop() {
        try? self.input.fileHandleForWriting.close()
        guard self.process.isRunning else { return }
        self.process.terminate()
        let deadline = ContinuousClock.now + .seconds(3)
        while self.process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
        self.process.waitUntilExit()
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
