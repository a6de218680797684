import ArgumentParser
import NIOCore
import WSMonClient
import WSMonCore
import WSMonLab

/// `wsmon demo`: the lab in-process plus sessions that show every state, no network needed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the scenario lab in-process and sessions that exercise every state (no network needed).",
        discussion: ExitStatus.help
    )

    @Option(help: "Number of sessions (at least one per scenario).")
    var sessions = 24

    @OptionGroup(title: "Run options")
    var run: RunFlags

    func validate() throws {
        guard self.sessions >= 1 else { throw ValidationError("--sessions must be 1 or more") }
    }

    func run() async throws {
        let lab: ScenarioLab
        do { lab = try await ScenarioLab.start(port: 0) } catch {
            throw Launch.usageFailure("cannot start the lab: \(error)")
        }
        let specs = DemoPlan.specs(labURL: lab.url, count: self.sessions)
        let status = try await Launch.run(
            specs,
            flags: self.run,
            afterStart: { _, sessions in
                Self.direct(sessions.filter { $0.options.name == DemoPlan.closedByDirector })
            }
        )
        try? await lab.shutdown()
        throw status
    }

    /// Every 20 s: close the ignore-close sessions with 4000 (they sit in closing until the
    /// close timeout), then reopen them 12 s later.
    static func direct(_ sessions: [Session]) {
        guard !sessions.isEmpty else { return }
        Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(4))
                for session in sessions { session.close(code: CloseCode(4000), reason: "demo close") }
                try await Task.sleep(for: .seconds(12))
                for session in sessions { session.reconnectNow() }
            }
        }
    }
}
