/// What the core reports, in the order it happened on the wire. Messages received before
/// the peer's Close always come before `.closeReceived` and `.closed`. Rare, large payloads
/// are `indirect` so the per-frame events stay small.
public enum WebSocketEvent: Hashable, Sendable {
    indirect case opened(HandshakeResponse)
    indirect case handshakeRejected(HandshakeRejection)
    indirect case handshakeFailed(HandshakeFailure)
    case text(String)
    case binary([UInt8])
    /// A ping arrived; its pong is already queued.
    case ping([UInt8])
    /// A pong arrived; `answering` is the ping it matches (older pings count as answered too).
    case pong([UInt8], answering: PingID?)
    /// One frame in or out, for the frame log (only when `recordFrames` is on).
    case frame(FrameRecord)
    case violation(PeerViolation)
    /// A fragmented message was cut short by the peer's Close or by the end of the connection.
    case partialMessageDiscarded(Opcode, byteCount: UInt64)
    case closeReceived(CloseFrame)
    case closeSent(CloseFrame)
    /// The connection is finished; the transport should be closed if it is not already.
    indirect case closed(CloseSummary)
}

/// Identifies a ping we sent, so the caller can time its pong.
public struct PingID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64

    public static func < (lhs: PingID, rhs: PingID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "ping#\(self.rawValue)" }
}
