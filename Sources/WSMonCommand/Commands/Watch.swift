import ArgumentParser
import Foundation
import NIOPosix
import WSMonCore
import WSMonTOML

/// `wsmon URL…` and `wsmon --config FILE`: the sessions a user asks for.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Connect to each URL (or the sessions of a config file) and watch them (the default command).",
        discussion: ExitStatus.help
    )

    @Argument(SettingTable.url) var urls: [WebSocketURL]

    @Option(
        help: ArgumentHelp("Named sessions from a TOML file (see the README).", valueName: "file"),
        completion: .file(extensions: ["toml"])
    )
    var config: String?

    @OptionGroup(title: "Session options")
    var session: SessionFlags

    @OptionGroup(title: "Run options")
    var run: RunFlags

    /// `-V`, as many tools spell `--version` (which ArgumentParser answers for every command).
    @Flag(name: .customShort("V"), help: .hidden)
    var version = false

    func validate() throws {
        if self.version { throw CleanExit.message(WSMonRoot.configuration.version) }
        if self.urls.isEmpty && self.config == nil {
            throw ValidationError("give at least one ws:// or wss:// URL, or --config FILE")
        }
    }

    /// The sessions to run and how: the config file's, with the command line's flags over
    /// them, then one session per URL argument with the flags alone.
    func plan() throws -> (specs: [SessionSpec], run: RunFlags) {
        let flags = self.session.values()
        var specs: [SessionSpec] = []
        var run = self.run
        if let path = self.config {
            let config = try ConfigFile.load(path)
            specs += try config.specs(overriddenBy: flags)
            config.fill(&run)
        }
        for url in self.urls { specs.append(try SessionSpec(url: url, values: flags)) }
        return (specs, run)
    }

    func run() async throws {
        let plan: (specs: [SessionSpec], run: RunFlags)
        do { plan = try self.plan() } catch let error as TOMLFileError {
            throw Launch.usageFailure(error.description)
        } catch let error as SettingError {
            throw Launch.usageFailure(error.description)
        }
        throw try await Launch.run(plan.specs, flags: plan.run)
    }
}
