import FoundationEssentials
import WSMonCore

/// One thing that happened to a session, stamped with wall-clock time and `connection`: the
/// number of connections the session has opened so far, counting the one an event belongs
/// to once it opened (0 before any open; an attempt's events carry the count before it).
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
        /// `attempt` counts tries since the session started or last opened (1, 2, …), as in
        /// `reconnectScheduled` and the policy's `maxAttempts`.
        case connecting(attempt: Int, request: HandshakeRequest)
        /// The first open of the session (`isReconnect` false) or a reopen, and how long
        /// each phase of its attempt took.
        case opened(HandshakeResponse, isReconnect: Bool, phases: HandshakePhases = HandshakePhases())
        /// An event from the protocol core (messages, frames, violations, close steps).
        case connection(WebSocketEvent)
        /// A whole message this session sent (the user's, the open or reconnect messages, the
        /// interval message), after the core accepted it.
        case messageSent(OutgoingMessage)
        case roundTrip(PingID, rtt: Duration)
        /// The open connection received no message for `silentFor` (`staleAfter`), once per
        /// silence; `pings` tells a quiet feed from a half-open connection.
        case stale(silentFor: Duration, pings: PingEvidence)
        /// A message ended a stale silence of `silentFor`.
        case fresh(silentFor: Duration)
        /// The attempt never opened: DNS, TCP, TLS, proxy, rejection, timeout; `phases` are
        /// those it began, the last one until it failed.
        case connectFailed(ConnectError, phases: HandshakePhases = HandshakePhases())
        /// An opened connection ended.
        case closed(CloseSummary, transportError: String?)
        /// The next try, `attempt` (numbered as in `connecting`), starts after `delay`.
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
