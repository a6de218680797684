import NIOCore
import NIOPosix
import WSMonClient
import WSMonCore

#if canImport(Glibc)
import Glibc
#endif

/// Autobahn|Testsuite client driver (fuzzingserver mode): for each case, connect, echo every
/// message back as received, and let the library handle pings, close handshakes and
/// protocol failures by itself. The echo runs in the session's sink, on its event loop, so
/// each message is answered before the frames after it are parsed.
///
/// Usage: wsmon-autobahn [ws://127.0.0.1:9001] [agent]
@main
struct AutobahnDriver {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let server = arguments.first ?? "ws://127.0.0.1:9001"
        let agent = arguments.dropFirst().first ?? "wsmon"

        let countText = try await self.run("\(server)/getCaseCount", echo: false).first ?? ""
        guard let count = Int(countText), count > 0 else {
            print("no case count from \(server) (got \(countText.debugDescription)); is the fuzzing server running?")
            exit(1)
        }
        print("running \(count) cases as agent \(agent)")
        for index in 1...count {
            _ = try await self.run("\(server)/runCase?case=\(index)&agent=\(agent)", echo: true)
            if index % 50 == 0 { print("  \(index)/\(count)") }
        }
        _ = try await self.run("\(server)/updateReports?agent=\(agent)", echo: false)
        print("reports updated")
    }

    /// Runs one connection to the end; returns the text messages received.
    static func run(_ url: String, echo: Bool) async throws -> [String] {
        var options = SessionOptions(url: try WebSocketURL(parsing: url))
        options.reconnect.isEnabled = false
        options.pingInterval = nil
        options.connection.recordFrames = false
        options.closeTimeout = .seconds(5)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        return await withCheckedContinuation { continuation in
            let session = SessionBox()
            session.value = Session(id: 1, options: options, eventLoop: loop) { event in
                switch event.kind {
                case .connection(.text(let text)):
                    session.texts.append(text)
                    if echo { session.value?.send(.text(text)) }
                case .connection(.binary(let bytes)):
                    if echo { session.value?.send(.binary(bytes)) }
                case .stopped:
                    session.value = nil
                    continuation.resume(returning: session.texts)
                default:
                    break
                }
            }
            session.value?.start()
        }
    }
}

/// The session and what it received, for its own sink: touched on its event loop only.
final class SessionBox: @unchecked Sendable {
    var value: Session?
    var texts: [String] = []
}
