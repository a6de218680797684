import WSMonClient

/// Time spent in each session state, in seconds. Stored inline (no heap, 8-byte aligned),
/// so copying a row is a copy of plain values.
public struct StateDurations: Hashable, Sendable {
    private var connecting = 0.0
    private var open = 0.0
    private var closing = 0.0
    private var halfClosed = 0.0
    private var closedAwaitingTransport = 0.0
    private var reconnecting = 0.0
    private var waiting = 0.0
    private var stopped = 0.0

    public init() {}

    public subscript(state: SessionState) -> Double {
        get {
            switch state {
            case .connecting: return self.connecting
            case .open: return self.open
            case .closing: return self.closing
            case .halfClosed: return self.halfClosed
            case .closedAwaitingTransport: return self.closedAwaitingTransport
            case .reconnecting: return self.reconnecting
            case .waiting: return self.waiting
            case .stopped: return self.stopped
            }
        }
        set {
            switch state {
            case .connecting: self.connecting = newValue
            case .open: self.open = newValue
            case .closing: self.closing = newValue
            case .halfClosed: self.halfClosed = newValue
            case .closedAwaitingTransport: self.closedAwaitingTransport = newValue
            case .reconnecting: self.reconnecting = newValue
            case .waiting: self.waiting = newValue
            case .stopped: self.stopped = newValue
            }
        }
    }
}

/// A session's texts: its name and URL, and the last close reason, error and stop reason,
/// which change rarely. Kept apart from `SessionSummary` so that rows are plain values: a
/// shard copies 10,000 of them as one block of memory, ten times a second for a dashboard.
public final class SessionTexts: Hashable, Sendable {
    public let name: String
    public let url: String
    public let lastCloseReason: String
    /// The last reason an attempt failed (DNS, refused, TLS, rejection…).
    public let lastError: String?
    public let stopReason: String?

    public init(
        name: String,
        url: String,
        lastCloseReason: String = "",
        lastError: String? = nil,
        stopReason: String? = nil
    ) {
        self.name = name
        self.url = url
        self.lastCloseReason = lastCloseReason
        self.lastError = lastError
        self.stopReason = stopReason
    }

    func with(lastCloseReason: String? = nil, lastError: String?? = .none, stopReason: String?? = .none) -> SessionTexts
    {
        SessionTexts(
            name: self.name,
            url: self.url,
            lastCloseReason: lastCloseReason ?? self.lastCloseReason,
            lastError: lastError ?? self.lastError,
            stopReason: stopReason ?? self.stopReason
        )
    }

    public static func == (lhs: SessionTexts, rhs: SessionTexts) -> Bool {
        lhs === rhs
            || (lhs.name == rhs.name && lhs.url == rhs.url && lhs.lastCloseReason == rhs.lastCloseReason
                && lhs.lastError == rhs.lastError && lhs.stopReason == rhs.stopReason)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.name)
        hasher.combine(self.url)
        hasher.combine(self.lastCloseReason)
        hasher.combine(self.lastError)
        hasher.combine(self.stopReason)
    }
}

/// Where a row's texts are in its snapshot: which shard's table, which entry.
struct TextsSlot: Hashable, Sendable {
    var table: UInt32 = 0
    var index: UInt32 = 0
}

/// One row of the sessions table: everything about a session that fits on a line, as
/// plain values (its texts are in the snapshot: `MonitorSnapshot.texts(of:)`).
public struct SessionSummary: Hashable, Sendable {
    public var id: Int
    public var state: SessionState
    /// When the session entered `state` (seconds since 1970).
    public var stateSince: Double
    /// When the current connection opened (seconds since 1970); nil when not open.
    public var openedAt: Double?
    public var connection: Int
    public var messagesIn: UInt64 = 0
    public var messagesOut: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    /// Received compressed messages (permessage-deflate): payload bytes as they came off the
    /// wire, and the same messages inflated.
    public var compressedBytesIn: UInt64 = 0
    public var inflatedBytesIn: UInt64 = 0
    /// Averages over the last whole second and the last ten, as of the snapshot's second.
    public var rates1s = Rates()
    public var rates10s = Rates()
    /// The last round-trip time from ping to pong, in seconds.
    public var rtt: Double?
    public var connects = 0
    public var reconnects = 0
    public var attempts = 0
    public var consecutiveFailures = 0
    public var violations = 0
    public var lastCloseCode: UInt16?
    public var lastCloseClean: Bool?
    public var lastCloseCause: CloseCause?
    /// Why the last attempt failed, and the HTTP status when it was rejected.
    public var lastFailure: FailureKind?
    public var lastFailureStatus: UInt16?
    /// TLS verification is off for this session.
    public var insecure = false
    /// Open but silent past `--stale-after`, and what its pings say; nil while data flows.
    public var stale: PingEvidence?
    /// Time spent in each state before the current one (see `timeInState(at:)`).
    public var timeInEarlierStates = StateDurations()
    /// This session's share of the storm, for the storm tab of a filtered set.
    public internal(set) var storm = SessionStorm()
    var textsSlot = TextsSlot()

    /// Inflated over wire size of the compressed messages received (4.0: a quarter of the
    /// bytes crossed the wire); nil before any.
    public var compressionRatio: Double? {
        self.compressedBytesIn == 0 ? nil : Double(self.inflatedBytesIn) / Double(self.compressedBytesIn)
    }

    public init(id: Int, state: SessionState, stateSince: Double, connection: Int) {
        self.id = id
        self.state = state
        self.stateSince = stateSince
        self.connection = connection
    }

    /// Seconds the current connection has been open at `now`; nil when not open.
    public func uptime(at now: Double) -> Double? {
        self.openedAt.map { max(0, now - $0) }
    }

    /// Time spent in each state up to `now`, the current one included.
    public func timeInState(at now: Double) -> StateDurations {
        var durations = self.timeInEarlierStates
        durations[self.state] += max(0, now - self.stateSince)
        return durations
    }
}
