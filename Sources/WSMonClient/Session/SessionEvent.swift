import FoundationEssentials
import WSMonCore

/// One thing that happened to a session, stamped with wall-clock time and the number of
/// the connection it belongs to (1 for the first, 0 before any).
public struct SessionEvent: Sendable {
    public var time: Date
    public var session: Int
    public var connection: Int
    public var kind: Kind

    public init(time: Date, session: Int, connection: Int, kind: Kind) {
        self.time = time
        self.session = session
        self.connection = connection
        self.kind = kind
    }

    public enum Kind: Sendable {
        case stateChanged(SessionState)
        /// A connection attempt starts; `request` is what will be sent.
        case connecting(attempt: Int, request: HandshakeRequest)
        /// The first open of the session (`isReconnect` false) or a reopen.
        case opened(HandshakeResponse, isReconnect: Bool)
        /// An event from the protocol core (messages, frames, violations, close steps).
        case connection(WebSocketEvent)
        /// A message the session sent (the user's, open/reconnect and interval messages).
        case messageSent(OutgoingMessage)
        case roundTrip(PingID, rtt: Duration)
        /// The attempt never opened: DNS, TCP, TLS, proxy, rejection, timeout.
        case connectFailed(ConnectError)
        /// An opened connection ended.
        case closed(CloseSummary, transportError: String?)
        case reconnectScheduled(delay: Duration, attempt: Int, retryAfter: Duration?)
        case stopped(StopReason)
        /// A send, ping or close the user asked for could not be done.
        case commandRefused(UsageError)
        /// Events left out because the consumer was slow (never messages).
        case eventsDropped(count: Int)
    }

    /// True for the events a slow consumer may lose (they are counted); messages, close
    /// steps and lifecycle events are never dropped.
    public var isDroppable: Bool {
        switch self.kind {
        case .connection(.frame), .connection(.ping), .connection(.pong), .roundTrip: return true
        default: return false
        }
    }
}
