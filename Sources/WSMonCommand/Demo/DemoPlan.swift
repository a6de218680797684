import WSMonClient
import WSMonCore

/// The sessions of `wsmon demo`: every state and every bug of ARCHITECTURE.md, against the
/// lab, with short timeouts so that each state comes round within seconds.
struct DemoPlan {
    struct Scenario: Sendable {
        var name: String
        var path: String
        var configure: @Sendable (inout SessionOptions) -> Void = { _ in }
    }

    /// Sessions the director closes and reopens, to show the closing state and user closes.
    static let closedByDirector = "ignore-close"

    static let scenarios: [Scenario] = [
        Scenario(name: "feed", path: "/feed?rate=5&size=48"),
        Scenario(name: "echo + app ping", path: "/echo") {
            $0.messagesOnOpen = [.text(#"{"op":"subscribe","channel":"demo"}"#)]
            $0.intervalMessage = (.text(#"{"type":"PING"}"#), .seconds(1))
        },
        Scenario(name: "last-message-then-close", path: "/last-message-then-close?code=1000&reason=done"),
        Scenario(name: "server-close 1011", path: "/server-close?code=1011&reason=pong%20timeout&after=3") {
            $0.messagesOnOpen = [.text("subscribe")]
            $0.messagesOnReconnect = [.text("resubscribe")]
        },
        Scenario(name: "half-closed (reply held)", path: "/half-close?after=2") {
            $0.connection.replyToCloseAutomatically = false
            $0.closeTimeout = .seconds(6)
        },
        Scenario(name: "no FIN after Close", path: "/half-close?after=2") {
            $0.transportCloseGrace = .seconds(4)
        },
        Scenario(name: Self.closedByDirector, path: "/ignore-close") {
            $0.closeTimeout = .seconds(5)
        },
        Scenario(name: "double-close", path: "/double-close"),
        Scenario(name: "drop", path: "/drop?after=2"),
        Scenario(name: "rejected 503", path: "/reject?status=503&retry-after=4"),
        Scenario(name: "rejected 401", path: "/reject?status=401") {
            $0.reconnect.maxAttempts = 3
        },
        Scenario(name: "violation masked", path: "/violation/masked"),
        Scenario(name: "violation bad-utf8", path: "/violation/bad-utf8"),
        Scenario(name: "violation rsv", path: "/violation/rsv"),
        // Closed after 6 s (past the stable period), so it spends 3 s connecting every cycle.
        Scenario(name: "slow-handshake", path: "/slow-handshake?delay=3&close-after=6"),
        Scenario(name: "periodic-drop", path: "/periodic-drop?every=4&jitter=3"),
        Scenario(name: "unreachable", path: "") {
            $0.url = try! WebSocketURL(parsing: "ws://127.0.0.1:9/")
            $0.reconnect.backoffInitial = .seconds(2)
        },
        // permessage-deflate: a compressed feed (the Zip column, RSV1 in the frame log, the
        // Headers tab's parameters) and corrupt DEFLATE data (1007).
        Scenario(name: "deflate feed", path: "/deflate/on?rate=5&size=600"),
        Scenario(name: "deflate corrupt", path: "/deflate/corrupt") {
            $0.reconnect.backoffInitial = .seconds(3)
        },
    ]

    /// `count` sessions: every scenario once, then feeds and periodic drops for the rest.
    static func specs(labURL: (String) -> String, count: Int) -> [SessionSpec] {
        var specs: [SessionSpec] = []
        for index in 0..<max(count, self.scenarios.count) {
            let scenario: Scenario
            if index < self.scenarios.count {
                scenario = self.scenarios[index]
            } else {
                scenario = index % 2 == 0 ? self.scenarios[0] : self.scenarios[15]
            }
            var options = SessionOptions(
                url: try! WebSocketURL(parsing: labURL(scenario.path.isEmpty ? "/" : scenario.path)),
                name: index < self.scenarios.count ? scenario.name : "\(scenario.name) \(index + 1)"
            )
            options.reconnect.backoffInitial = .seconds(1)
            options.reconnect.backoffCap = .seconds(8)
            options.reconnect.stablePeriod = .seconds(5)
            options.reconnect.parallelHandshakes = true
            options.pingInterval = .seconds(5)
            options.pongTimeout = .seconds(5)
            scenario.configure(&options)
            specs.append(SessionSpec(options: options))
        }
        return specs
    }
}
