import Foundation
import WSMonTestSupport

/// Runs the real `wsmon` binary (built next to the test bundle) and collects what it printed.
struct WSMonProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// From launch to exit, on the monotonic clock.
        var elapsed: Duration

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
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        let launched = ContinuousClock.now
        try process.run()
        Self.waitForExit(process, until: launched + timeout)
        if process.isRunning {
            process.terminate()
            Self.waitForExit(process, until: ContinuousClock.now + .seconds(2))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
            elapsed: ContinuousClock.now - launched
        )
    }

    /// Polls until the process exits or `deadline` passes (Process has no timed wait).
    private static func waitForExit(_ process: Process, until deadline: ContinuousClock.Instant) {
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
    }
}
