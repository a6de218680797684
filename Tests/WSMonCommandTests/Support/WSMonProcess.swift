import Foundation
import WSMonTestSupport

/// Runs the real `wsmon` binary (built next to the test bundle) and collects what it printed.
struct WSMonProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The JSON Lines of stdout, parsed.
        var events: [[String: Any]] {
            self.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        func events(_ type: String) -> [[String: Any]] { self.events.filter { $0["event"] as? String == type } }
    }

    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [beside, beside.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("wsmon").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return TestPaths.file(".build/debug/wsmon")
    }

    /// Runs `wsmon arguments…`, killing it after `timeout`.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do { continuation.resume(returning: try self.runBlocking(arguments, timeout: timeout)) } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func runBlocking(_ arguments: [String], timeout: Duration) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.binary)
        process.arguments = arguments
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("wsmon-out-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent("wsmon-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }
}
