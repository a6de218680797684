import ArgumentParser
import Foundation
import NIOPosix

/// `wsmon URL…` and `wsmon --config FILE`: the sessions a user asks for.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Connect to each URL (or the sessions of a config file) and watch them (the default command).",
        discussion: ExitStatus.help
    )

    @Argument(help: "ws:// or wss:// URLs.")
    var urls: [String] = []

    @Option(
        help: ArgumentHelp("Named sessions from a TOML file (see the README).", valueName: "file"),
        completion: .file(extensions: ["toml"])
    )
    var config: String?

    @OptionGroup(title: "Session options")
    var session: SessionFlags

    @OptionGroup(title: "Run options")
    var run: RunFlags

    func validate() throws {
        if self.urls.isEmpty && self.config == nil {
            throw ValidationError("give at least one ws:// or wss:// URL, or --config FILE")
        }
    }

    func specs() throws -> [SessionSpec] {
        let flags = try self.session.settings()
        var specs: [SessionSpec] = []
        if let path = self.config {
            // Flags given on the command line override the file's settings.
            specs += try ConfigFile.load(path).specs(overriddenBy: flags)
        }
        for url in self.urls {
            do { specs.append(try SessionSpec(url: url, settings: flags)) } catch {
                throw ValidationError("\(error)")
            }
        }
        return specs
    }

    func run() async throws {
        let specs: [SessionSpec]
        do { specs = try self.specs() } catch let error as ConfigError {
            throw Launch.usageFailure(error.description)
        }
        throw try await Launch.run(specs, flags: self.run)
    }
}
