/// Everything about one session, for the detail pane: its recent frames, handshake headers,
/// close handshakes and reconnect history.
public struct SessionDetail: Hashable, Sendable {
    public var summary: SessionSummary
    /// Oldest first.
    public var frames: [FrameLogEntry]
    /// Frames that no longer fit in the ring.
    public var framesOverflowed: Int
    public var frameLogCapacity: Int
    public var request: HeaderBlock?
    public var response: HeaderBlock?
    /// Finished close handshakes, oldest first, then the current one if it has started.
    public var closeTimelines: [CloseTimeline]
    public var reconnectHistory: [ReconnectEntry]
    /// The session's close timeout, to count down while a handshake is stuck (seconds).
    public var closeTimeout: Double
}
