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

    /// Runs `wsmon arguments…` (with `environment` added to ours), killing it after `timeout`;
    /// `launcher` goes before the binary (to run it as another user).
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        launcher: [String] = [],
        binary: String = Self.binary,
        timeout: Duration = .seconds(30)
    ) async throws -> Result {
        let command =
            launcher
            + (environment.isEmpty ? [] : ["env"] + environment.map { "\($0.key)=\($0.value)" })
            + [binary] + arguments
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do { continuation.resume(returning: try self.runBlocking(command, timeout: timeout)) } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func runBlocking(_ command: [String], timeout: Duration) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
        let outPath = directory.appendingPathComponent("wsmon-out-\(UUID().uuidString)").path
        let errPath = directory.appendingPathComponent("wsmon-err-\(UUID().uuidString)").path
        defer { for path in [outPath, errPath] { try? FileManager.default.removeItem(atPath: path) } }
        let output = open(outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let errors = open(errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let input = open("/dev/null", O_RDONLY)
        let launched = ContinuousClock.now
        let child: ChildProcess
        do {
            defer { for descriptor in [output, errors, input] { close(descriptor) } }
            child = try ChildProcess(command, stdin: input, stdout: output, stderr: errors)
        }
        Self.waitForExit(child, until: launched + timeout)
        if child.exitStatus == nil {
            // Timed out: ask it to stop first, so what it says about being stopped is kept.
            kill(child.pid, SIGTERM)
            Self.waitForExit(child, until: ContinuousClock.now + .seconds(2))
        }
        child.stop()
        return Result(
            status: child.exitStatus ?? -1,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            elapsed: ContinuousClock.now - launched
        )
    }

    /// Polls until the process exits or `deadline` passes.
    private static func waitForExit(_ child: ChildProcess, until deadline: ContinuousClock.Instant) {
        while child.exitStatus == nil && ContinuousClock.now < deadline { usleep(10_000) }
    }
}
