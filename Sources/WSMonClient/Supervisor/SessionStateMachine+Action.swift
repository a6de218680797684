import WSMonCore

extension SessionStateMachine {
    /// What the session's I/O shell must do after an input. Exactly one per input; `none`
    /// is explicit. `leavingEndpointGate` says the attempt that held the §4.1 gate is over.
    enum Action: Equatable {
        case none
        /// Queue behind the endpoint's other handshake (RFC 6455 §4.1); `endpointGateOpened`
        /// follows when it is this session's turn.
        case waitForEndpointGate
        /// Start connection attempt `attempt` (1 for the first try after an open or a start).
        case connect(attempt: Int)
        /// The attempt opened: report it and send the open (or reconnect) messages.
        case reportOpen(isReconnect: Bool, leavingEndpointGate: Bool)
        /// Begin a close handshake on the open connection.
        case closeConnection(code: CloseCode, reason: String)
        /// Give up the attempt under way without a handshake; its failure follows.
        case abortAttempt(reason: String, leavingEndpointGate: Bool)
        /// Wait `delay`, then feed `backoffElapsed`; `attempt` is the try that will follow.
        case scheduleReconnect(delay: Duration, attempt: Int, retryAfter: Duration?, leavingEndpointGate: Bool)
        /// The session is over: report why, and cancel its timers.
        case stop(StopReason, leavingEndpointGate: Bool)
        /// A queued gate entry came due after the session stopped: give the turn away.
        case leaveEndpointGate
    }
}

/// A reading of the two clocks the policy needs, taken by the caller: the policy itself
/// reads no clock, so tests drive it with any times they like.
struct SupervisorTime: Hashable, Sendable {
    /// Monotonic time since any fixed origin (how long a connection stayed open).
    var uptime: Duration
    /// Wall-clock seconds since 1970 (a Retry-After given as an HTTP date).
    var secondsSince1970: Int64
}
