import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import WSMonClient

/// Starting a run, shared by the commands.
enum Launch {
    /// Runs `specs` until the run ends; returns the exit status as an `ExitCode` to throw.
    static func run(
        _ specs: [SessionSpec],
        flags: RunFlags,
        beforeStart: (Runner) -> Void = { _ in },
        afterStart: @Sendable (Runner, [Session]) async -> Void = { _, _ in }
    ) async throws -> ExitCode {
        // Until the dashboard is wired in, every run is headless.
        var flags = flags
        flags.headless = true
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let runner: Runner
        do { runner = try Runner(flags: flags, group: group) } catch {
            try? await group.shutdownGracefully()
            return self.usageFailure("\(error)")
        }
        beforeStart(runner)
        let sessions = runner.start(specs)
        await afterStart(runner, sessions)
        let status = await runner.wait()
        try? await group.shutdownGracefully()
        return ExitCode(status.rawValue)
    }

    /// Prints `message` as wsmon's one line about bad usage; the caller throws the result.
    static func usageFailure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("wsmon: \(message)\n".utf8))
        return ExitCode(ExitStatus.usage.rawValue)
    }
}
