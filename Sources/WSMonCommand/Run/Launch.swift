import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import WSMonClient
import WSMonDashboard

/// Starting a run, shared by the commands: the dashboard, or JSON Lines with --headless.
enum Launch {
    /// Runs `specs` until the run ends; returns the exit status as an `ExitCode` to throw.
    static func run(
        _ specs: [SessionSpec],
        flags: RunFlags,
        afterStart: @Sendable (Runner, [Session]) async -> Void = { _, _ in }
    ) async throws -> ExitCode {
        let environment = ProcessInfo.processInfo.environment
        // A bad cert, key or CA file fails here, once, not at every connection.
        for spec in specs where spec.options.url.isSecure {
            do { try spec.options.tls.prepare() } catch { return self.usageFailure(error.description) }
        }
        var themes: ThemeCatalog?
        if !flags.headless {
            do { themes = try ThemeCatalog.resolve(option: flags.theme, environment: environment) } catch {
                return self.usageFailure(error.description)
            }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: flags.ioThreads)
        let runner: Runner
        do { runner = try Runner(flags: flags, group: group) } catch {
            try? await group.shutdownGracefully()
            return self.usageFailure("\(error)")
        }
        var dashboard: Dashboard?
        if let themes {
            let board = Dashboard(monitor: runner.monitor, themes: themes.themes, initialTheme: themes.initialIndex) {
                request in runner.carryOut(request)
            }
            do { try board.start(environment: environment) } catch {
                try? await group.shutdownGracefully()
                return self.usageFailure(error.description)
            }
            dashboard = board
        }
        let sessions = runner.start(specs)
        await afterStart(runner, sessions)
        let board = dashboard
        let status = await runner.wait(staysWhenAllStop: board != nil) { board?.noteInterrupt() }
        await dashboard?.stop()
        try? await group.shutdownGracefully()
        return ExitCode(status.rawValue)
    }

    /// Prints `message` as wsmon's one line about bad usage; the caller throws the result.
    static func usageFailure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("wsmon: \(message)\n".utf8))
        return ExitCode(ExitStatus.usage.rawValue)
    }
}
