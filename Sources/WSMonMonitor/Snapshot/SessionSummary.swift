import WSMonClient

/// Time spent in each session state, in seconds.
public struct StateDurations: Hashable, Sendable {
    private var seconds: [Double] = Array(repeating: 0, count: SessionState.allCases.count)

    public init() {}

    public subscript(state: SessionState) -> Double {
        get { self.seconds[Self.index(state)] }
        set { self.seconds[Self.index(state)] = newValue }
    }

    private static func index(_ state: SessionState) -> Int {
        SessionState.allCases.firstIndex(of: state)!
    }
}

/// One row of the sessions table: everything about a session that fits on a line.
public struct SessionSummary: Hashable, Sendable {
    public var id: Int
    public var name: String
    public var url: String
    public var state: SessionState
    /// When the session entered `state` (seconds since 1970).
    public var stateSince: Double
    /// Seconds the current connection has been open; nil when not open.
    public var uptime: Double?
    public var connection: Int
    public var messagesIn: UInt64 = 0
    public var messagesOut: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
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
    public var lastCloseReason = ""
    public var lastCloseClean: Bool?
    /// The last reason an attempt failed (DNS, refused, TLS, rejection…).
    public var lastError: String?
    public var stopReason: String?
    /// TLS verification is off for this session.
    public var insecure = false
    public var timeInState = StateDurations()

    public init(id: Int, name: String, url: String, state: SessionState, stateSince: Double, connection: Int) {
        self.id = id
        self.name = name
        self.url = url
        self.state = state
        self.stateSince = stateSince
        self.connection = connection
    }
}
