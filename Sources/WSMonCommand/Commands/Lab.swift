import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import WSMonLab

/// `wsmon lab`: the scenario lab alone, for pointing other clients at.
struct Lab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the scenario lab: a WebSocket server that misbehaves on purpose, one behaviour per path."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8765

    func run() async throws {
        let lab: ScenarioLab
        do { lab = try await ScenarioLab.start(host: self.host, port: self.port) } catch {
            throw Launch.usageFailure("cannot listen on \(self.host):\(self.port): \(self.reason(error))")
        }
        var listing = "wsmon lab listening on \(lab.url("/"))  (Ctrl-C stops it)\n"
        for scenario in ScenarioLab.scenarios {
            listing += "  \(lab.url(scenario.example))\n      \(scenario.summary)\n"
        }
        FileHandle.standardOutput.write(Data(listing.utf8))
        let stop = AsyncStream<Void>.makeStream()
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { stop.continuation.finish() }
        for await _ in stop.stream {}
        signals.cancel()
        try await lab.shutdown()
    }

    /// Why listening failed, in words rather than the socket call's name.
    private func reason(_ error: any Error) -> String {
        guard let error = error as? IOError else { return "\(error)" }
        switch error.errnoCode {
        case EADDRINUSE: return "port \(self.port) is in use (choose another with --port, or --port 0 for any free one)"
        case EACCES: return "permission denied (ports below 1024 need privileges)"
        case EADDRNOTAVAIL: return "\(self.host) is not an address of this machine"
        default: return String(cString: strerror(error.errnoCode))
        }
    }
}
