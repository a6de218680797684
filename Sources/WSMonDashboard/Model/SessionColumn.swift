import WSMonClient
import WSMonMonitor

/// A column of the sessions table: its title, how wide it is, when it is left out on a
/// narrow terminal, and how it sorts.
public enum SessionColumn: Int, CaseIterable, Hashable, Sendable {
    case id, name, url, state, uptime, messagesIn, messagesOut, rateIn, rateOut, lastClose, reconnects, rtt, compression

    public var title: String {
        switch self {
        case .id: return "#"
        case .name: return "Name"
        case .url: return "URL"
        case .state: return "State"
        case .uptime: return "Up"
        case .messagesIn: return "In"
        case .messagesOut: return "Out"
        case .rateIn: return "In/s"
        case .rateOut: return "Out/s"
        case .lastClose: return "Last close"
        case .reconnects: return "Rc"
        case .rtt: return "RTT"
        case .compression: return "Zip"
        }
    }

    /// What the column shows, for the help.
    public var meaning: String {
        switch self {
        case .id: return "the session's number, in command-line order"
        case .name: return "its name; for a URL, the path and query (and #N of --count)"
        case .url: return "the URL, or the part of it the name leaves out"
        case .state: return "the session's state (below)"
        case .uptime: return "how long the current connection has been open"
        case .messagesIn: return "messages received"
        case .messagesOut: return "messages sent"
        case .rateIn: return "messages received per second, over the last second"
        case .rateOut: return "messages sent per second, over the last second"
        case .lastClose: return "the last close code and reason, or ✗ why the last attempt failed"
        case .reconnects: return "reconnects: connections opened after the first"
        case .rtt: return "round-trip time of the last ping"
        case .compression: return "permessage-deflate ratio received: inflated over wire bytes (shown when any)"
        }
    }

    /// Columns of fixed width; the others share what is left.
    var fixedWidth: Int? {
        switch self {
        case .id: return nil
        case .name, .url, .lastClose: return nil
        case .state: return 14
        case .uptime: return 7
        case .messagesIn, .messagesOut: return 6
        case .rateIn, .rateOut: return 6
        case .reconnects: return 3
        case .rtt: return 6
        case .compression: return 5
        }
    }

    var isRightAligned: Bool {
        switch self {
        case .id, .uptime, .messagesIn, .messagesOut, .rateIn, .rateOut, .reconnects, .rtt, .compression: return true
        case .name, .url, .state, .lastClose: return false
        }
    }

    /// Left out first when the terminal is narrow (higher goes first; 0 never).
    var dropOrder: Int {
        switch self {
        case .url: return 7
        case .compression: return 6
        case .rateOut: return 5
        case .messagesOut: return 4
        case .rtt: return 3
        case .uptime: return 2
        case .reconnects: return 1
        default: return 0
        }
    }

    /// Sorts ascending by this column; ties by id. Texts come from `snapshot`.
    func areInIncreasingOrder(
        _ lhs: SessionSummary,
        _ rhs: SessionSummary,
        in snapshot: MonitorSnapshot,
        labels: SessionLabels
    ) -> Bool {
        func compare<T: Comparable>(_ key: (SessionSummary) -> T) -> Bool {
            let left = key(lhs)
            let right = key(rhs)
            return left == right ? lhs.id < rhs.id : left < right
        }
        switch self {
        case .id: return lhs.id < rhs.id
        case .name: return compare { labels.name(of: $0, texts: snapshot.texts(of: $0)) }
        case .url: return compare { labels.url(of: $0, texts: snapshot.texts(of: $0)) }
        case .state: return compare { $0.state.ordinal }
        // Longer up first is a later open; not open sorts first.
        case .uptime: return compare { $0.openedAt.map { -$0 } ?? -Double.infinity }
        case .messagesIn: return compare { $0.messagesIn }
        case .messagesOut: return compare { $0.messagesOut }
        case .rateIn: return compare { $0.rates1s.messagesIn }
        case .rateOut: return compare { $0.rates1s.messagesOut }
        case .lastClose: return compare { Int($0.lastCloseCode ?? 0) }
        case .reconnects: return compare { $0.reconnects }
        case .rtt: return compare { $0.rtt ?? -1 }
        case .compression: return compare { $0.compressionRatio ?? 0 }
        }
    }
}

/// Which column the table is sorted by, and which way.
public struct SortOrder: Hashable, Sendable {
    public var column: SessionColumn = .id
    public var descending = false

    public init(column: SessionColumn = .id, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }
}
