import ArgumentParser
import Foundation
import WSMonCore

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
    /// The program's entry point: ArgumentParser's async `main`, except that an error
    /// message is redacted first (ArgumentParser quotes a refused value, and
    /// `ws://user:pass@host/` must not repeat its password). Called from an async function
    /// so that the async path is the one taken.
    public static func runAsync() async {
        do {
            var command = try self.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let status = self.exitCode(for: error)
            let message = self.fullMessage(for: error)
            if status == .success {
                // Help, the version, completion scripts: wsmon's own text, to stdout.
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                FileHandle.standardError.write(Data((Redaction().text(message) + "\n").utf8))
            }
            Foundation.exit(status.rawValue)
        }
    }
}
