import WSMonClient
import WSMonMonitor

/// The sessions the table shows: the snapshot's rows filtered and sorted.
public struct SessionList: Sendable {
    public private(set) var rows: [SessionSummary]
    public let totalCount: Int

    public init(_ snapshot: MonitorSnapshot, filter: SessionFilter, order: SortOrder, labels: SessionLabels) {
        let sessions = snapshot.sessions
        self.totalCount = sessions.count
        var rows = filter.isEmpty ? sessions : sessions.filter { filter.matches($0, texts: snapshot.texts(of: $0)) }
        // Snapshots come ordered by id, the default order.
        if order.column != .id || order.descending {
            let column = order.column
            if order.descending {
                rows.sort { column.areInIncreasingOrder($1, $0, in: snapshot, labels: labels) }
            } else {
                rows.sort { column.areInIncreasingOrder($0, $1, in: snapshot, labels: labels) }
            }
        }
        self.rows = rows
    }

    public func index(of id: Int?) -> Int? {
        guard let id else { return nil }
        return self.rows.firstIndex { $0.id == id }
    }
}

/// What `/` typed: words that must all appear (case-insensitive) in a session's name,
/// URL, state, last close code or reason, or last error. `state:open` style words match
/// the state alone.
public struct SessionFilter: Hashable, Sendable {
    public let text: String
    private let words: [Substring]

    public init(_ text: String) {
        self.text = text
        self.words = text.lowercased().split(separator: " ")
    }

    public var isEmpty: Bool { self.words.isEmpty }

    public func matches(_ row: SessionSummary, texts: SessionTexts) -> Bool {
        let state = StateLabel.short(row.state)
        for word in self.words {
            if word.hasPrefix("state:") {
                guard state.hasPrefix(word.dropFirst(6)) else { return false }
                continue
            }
            let found =
                texts.name.lowercased().contains(word) || texts.url.lowercased().contains(word) || state.contains(word)
                || row.lastCloseCode.map { "\($0)".hasPrefix(word) } == true
                || texts.lastCloseReason.lowercased().contains(word)
                || texts.lastError?.lowercased().contains(word) == true
            guard found else { return false }
        }
        return true
    }
}

/// How states are named and marked on screen.
public enum StateLabel {
    /// The table's name for a state: short enough for its column.
    public static func short(_ state: SessionState) -> String {
        state == .closedAwaitingTransport ? "awaiting-tcp" : state.description
    }

    public static func symbol(_ state: SessionState) -> String {
        switch state {
        case .waiting: return "⧗"
        case .connecting: return "◌"
        case .open: return "●"
        case .closing: return "◑"
        case .halfClosed: return "◐"
        case .closedAwaitingTransport: return "◒"
        case .reconnecting: return "↻"
        case .stopped: return "○"
        }
    }

    public static func role(_ state: SessionState) -> Role {
        switch state {
        case .waiting: return .stateWaiting
        case .connecting: return .stateConnecting
        case .open: return .stateOpen
        case .closing: return .stateClosing
        case .halfClosed: return .stateHalfClosed
        case .closedAwaitingTransport: return .stateClosedAwaitingTransport
        case .reconnecting: return .stateReconnecting
        case .stopped: return .stateStopped
        }
    }

    /// A stale feed (open, silent past `--stale-after`), named by what its pings say.
    public static let staleSymbol = "◔"

    public static func staleName(_ pings: PingEvidence) -> String {
        switch pings {
        case .answered: return "quiet"
        case .unanswered: return "half-open"
        case .none: return "stale"
        }
    }

    public static func staleMeaning(_ pings: PingEvidence) -> String {
        switch pings {
        case .answered: return "stale, but pings are answered: a quiet feed"
        case .unanswered: return "stale and a ping is unanswered: likely half-open"
        case .none: return "open, but no message within --stale-after (no ping to tell more)"
        }
    }

    /// What the table shows for a row: its state, or that its feed is stale.
    static func symbolAndName(_ row: SessionSummary) -> (String, Role) {
        if let pings = row.stale { return (Self.staleSymbol + " " + Self.staleName(pings), .stateStale) }
        return (Self.symbol(row.state) + " " + Self.short(row.state), Self.role(row.state))
    }

    /// What the state means, for the help legend and the detail pane.
    public static func meaning(_ state: SessionState) -> String {
        switch state {
        case .waiting: return "queued: another handshake to the same host:port goes first (RFC 6455 §4.1)"
        case .connecting: return "opening: TCP, TLS and the upgrade"
        case .open: return "open: messages flow both ways"
        case .closing: return "we sent Close; waiting for the server's"
        case .halfClosed: return "the server sent Close; ours is not sent yet"
        case .closedAwaitingTransport: return "both Close frames sent; waiting for the server to close TCP"
        case .reconnecting: return "waiting out the backoff before the next attempt"
        case .stopped: return "finished: no more connections"
        }
    }
}
