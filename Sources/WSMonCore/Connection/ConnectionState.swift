/// Where a connection is in its life, without the data each state carries. This is what
/// other layers (monitor, dashboard) see; names say which side has sent its Close.
public enum ConnectionState: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The upgrade request is out; waiting for the response.
    case connecting
    case open
    /// We sent Close; waiting for the peer's.
    case closing
    /// The peer sent Close; ours is not sent yet.
    case halfClosed
    /// Both Close frames exchanged; waiting for the server to close TCP first (§7.1.1).
    case closedAwaitingTransport
    case closed

    public var description: String {
        switch self {
        case .connecting: return "connecting"
        case .open: return "open"
        case .closing: return "closing"
        case .halfClosed: return "half-closed"
        case .closedAwaitingTransport: return "closed-awaiting-transport"
        case .closed: return "closed"
        }
    }
}
