import WSMonClient
import WSMonCore

/// Everything about one session, for the detail pane: its recent frames, handshake headers,
/// close handshakes and reconnect history.
public struct SessionDetail: Hashable, Sendable {
    public var summary: SessionSummary
    public var texts: SessionTexts
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
    /// How long the server gets to close TCP after both Close frames (seconds).
    public var transportCloseGrace: Double
    /// Messages received while this session was watched, oldest first.
    public var messages: [MessageLogEntry]
    /// Sends, pings and closes that could not be done, with their times, oldest first.
    public var refusedCommands: [RefusedCommand]
    /// How long each phase of the last attempt took (nil before any ended or opened).
    public var handshakePhases: HandshakePhases?
    /// What the server accepted of the permessage-deflate offer on the connection last
    /// opened; nil: not negotiated (the offer itself is in `request`).
    public var deflate: PerMessageDeflateParameters?

    public init(
        summary: SessionSummary,
        texts: SessionTexts,
        frames: [FrameLogEntry],
        framesOverflowed: Int,
        frameLogCapacity: Int,
        request: HeaderBlock?,
        response: HeaderBlock?,
        closeTimelines: [CloseTimeline],
        reconnectHistory: [ReconnectEntry],
        closeTimeout: Double,
        transportCloseGrace: Double,
        messages: [MessageLogEntry],
        refusedCommands: [RefusedCommand],
        handshakePhases: HandshakePhases? = nil
    ) {
        self.summary = summary
        self.texts = texts
        self.frames = frames
        self.framesOverflowed = framesOverflowed
        self.frameLogCapacity = frameLogCapacity
        self.request = request
        self.response = response
        self.closeTimelines = closeTimelines
        self.reconnectHistory = reconnectHistory
        self.closeTimeout = closeTimeout
        self.transportCloseGrace = transportCloseGrace
        self.messages = messages
        self.refusedCommands = refusedCommands
        self.handshakePhases = handshakePhases
    }
}

/// A command the user gave that the session refused, and why.
public struct RefusedCommand: Hashable, Sendable {
    /// Seconds since 1970.
    public var time: Double
    public var reason: String

    public init(time: Double, reason: String) {
        self.time = time
        self.reason = reason
    }
}
