/// How a connection ended: the closed state's payload, everything a close-handshake
/// inspector shows. `code` never confuses "Close without a code" (1005) with "no Close
/// at all" (1006).
public struct CloseSummary: Hashable, Sendable, CustomStringConvertible {
    public enum Initiator: String, Hashable, Sendable {
        /// Our close() sent the first Close.
        case local
        /// The peer's Close came first.
        case remote
        /// The TCP connection ended (or was dropped) with no Close from either side.
        case transport
        /// The connection was failed: a peer violation, a local failure, a handshake problem.
        case failure
    }

    public enum TransportCloser: String, Hashable, Sendable {
        case peer
        case local
    }

    public var initiator: Initiator
    /// The Close frame we sent, if any (at most one is ever sent).
    public var sent: CloseFrame?
    /// The peer's valid Close frame, if one arrived.
    public var received: CloseFrame?
    public var failure: ConnectionFailure?
    /// The state the connection was stuck in when the caller's close timeout fired.
    public var closeTimeoutFiredIn: ConnectionState?
    public var transportClosedBy: TransportCloser
    /// Every protocol violation the peer committed on this connection, fatal or not.
    public var violations = 0
    /// Repeats of a violation beyond the first few, which were counted but not reported
    /// as events, by violation name.
    public var unreportedViolations: [String: Int] = [:]

    public init(
        initiator: Initiator,
        sent: CloseFrame? = nil,
        received: CloseFrame? = nil,
        failure: ConnectionFailure? = nil,
        closeTimeoutFiredIn: ConnectionState? = nil,
        transportClosedBy: TransportCloser
    ) {
        self.initiator = initiator
        self.sent = sent
        self.received = received
        self.failure = failure
        self.closeTimeoutFiredIn = closeTimeoutFiredIn
        self.transportClosedBy = transportClosedBy
    }

    /// Both Close frames were exchanged, nothing failed (RFC 6455 §7.1.4's wasClean) and the
    /// peer committed no violation, not even one that needed no reaction (a second Close).
    public var wasClean: Bool {
        self.sent != nil && self.received != nil && self.failure == nil && self.violations == 0
    }

    /// The WebSocket connection close code (§7.1.5): the peer's, 1005 for a Close without
    /// one, 1006 when no Close arrived.
    public var code: CloseCode { self.received?.reportedCode ?? .abnormalClosure }

    /// The WebSocket connection close reason (§7.1.6).
    public var reason: String { self.received?.reason ?? "" }

    public var description: String {
        var parts: [String] = []
        switch (self.sent, self.received, self.initiator) {
        case (let sent?, let received?, .remote): parts.append("received \(received); then sent \(sent)")
        case (let sent?, let received?, _): parts.append("sent \(sent); then received \(received)")
        case (let sent?, nil, _): parts.append("sent \(sent); none received")
        case (nil, let received?, _): parts.append("received \(received); none sent")
        case (nil, nil, _): parts.append("no Close frame")
        }
        parts.append("initiated by \(self.initiator.rawValue)")
        if let failure = self.failure { parts.append("failure: \(failure)") }
        if let state = self.closeTimeoutFiredIn { parts.append("close timeout fired while \(state)") }
        if self.violations > 0 { parts.append("\(self.violations) violations") }
        parts.append("TCP closed by \(self.transportClosedBy.rawValue)")
        parts.append(self.wasClean ? "clean" : "unclean")
        return parts.joined(separator: ", ")
    }
}

/// Why a connection was failed rather than closed by a completed handshake.
public enum ConnectionFailure: Hashable, Sendable, CustomStringConvertible {
    case peerViolation(PeerViolation)
    /// The caller failed the connection (for instance a keepalive pong timeout).
    case local(code: CloseCode, reason: String)
    case handshakeRejected(HandshakeRejection)
    case handshakeFailed(HandshakeFailure)
    /// The caller dropped the connection without a close handshake.
    case aborted(reason: String)

    public var description: String {
        switch self {
        case .peerViolation(let violation): return violation.description
        case .local(let code, let reason): return "failed locally with \(code)\(reason.isEmpty ? "" : " \"\(reason)\"")"
        case .handshakeRejected(let rejection): return "handshake rejected: \(rejection)"
        case .handshakeFailed(let failure): return "handshake failed: \(failure)"
        case .aborted(let reason): return "aborted: \(reason)"
        }
    }
}
