import WSMonCore

/// Where a session is: the state of its current connection, or between connections.
public enum SessionState: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Queued behind another handshake to the same host and port (RFC 6455 §4.1).
    case waiting
    /// TCP, TLS, proxy and the opening handshake are under way.
    case connecting
    case open
    /// We sent Close; waiting for the server's.
    case closing
    /// The server sent Close; ours is not sent yet.
    case halfClosed
    /// Both Close frames exchanged; waiting for the server to close TCP.
    case closedAwaitingTransport
    /// Waiting out a backoff delay before the next attempt.
    case reconnecting
    /// Finished: no more connections will be made.
    case stopped

    /// The state of a session whose connection is open, in `connection`'s close-handshake
    /// phase. A connection that is not open yet or already over is not such a phase.
    init(open connection: ConnectionState) {
        switch connection {
        case .open: self = .open
        case .closing: self = .closing
        case .halfClosed: self = .halfClosed
        case .closedAwaitingTransport: self = .closedAwaitingTransport
        case .connecting, .closed:
            // SessionStateMachine records a phase only after the open and before the end.
            preconditionFailure("\(connection) is not a phase of an open connection")
        }
    }

    /// 0 to 7, in the order of `allCases`: for tables indexed by state.
    public var ordinal: Int {
        switch self {
        case .waiting: return 0
        case .connecting: return 1
        case .open: return 2
        case .closing: return 3
        case .halfClosed: return 4
        case .closedAwaitingTransport: return 5
        case .reconnecting: return 6
        case .stopped: return 7
        }
    }

    public var description: String {
        switch self {
        case .halfClosed: return "half-closed"
        case .closedAwaitingTransport: return "closed-awaiting-transport"
        default: return self.rawValue
        }
    }
}

/// Why a session stopped making connections.
public enum StopReason: Hashable, Sendable, CustomStringConvertible {
    case userClosed
    case reconnectDisabled
    case stopCode(UInt16)
    case attemptsExhausted(Int)
    case invalidOptions(String)
    /// The program closed every session because its run is over (`--duration`, a signal):
    /// the text says which, e.g. "duration reached".
    case runEnded(String)

    public var description: String {
        switch self {
        case .userClosed: return "closed by the user"
        case .reconnectDisabled: return "reconnect disabled"
        case .stopCode(let code): return "close code \(code) is in the stop set"
        case .attemptsExhausted(let count): return "gave up after \(count) failed attempts"
        case .invalidOptions(let detail): return "invalid options: \(detail)"
        case .runEnded(let why): return why
        }
    }
}
