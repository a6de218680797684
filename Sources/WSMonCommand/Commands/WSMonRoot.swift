import ArgumentParser

/// `wsmon`: many WebSocket sessions at once, their states, frames, close handshakes and
/// reconnects.
public struct WSMonRoot: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wsmon",
        abstract: "Run many WebSocket client sessions and watch their states, frames, close handshakes and reconnects.",
        discussion: ExitStatus.help,
        version: "0.1.0",
        subcommands: [Watch.self, Replay.self, Report.self, Demo.self, Lab.self],
        defaultSubcommand: Watch.self
    )

    public init() {}
}

extension WSMonRoot {
    /// The program's entry point. Called from an async function so that the async `main`
    /// is chosen: from top-level code the synchronous one wins and refuses async commands.
    public static func runAsync() async {
        await self.main()
    }
}
