import WSMonClient

/// What the whole process is doing, at one instant. Immutable: readers keep it as long as
/// they like while the monitor goes on.
public struct MonitorSnapshot: Sendable {
    /// Seconds since 1970.
    public var time: Double
    /// Ordered by session id.
    public var sessions: [SessionSummary]
    public var totals: Totals
    /// The watched session's detail (see `Monitor.watch`).
    public var detail: SessionDetail?
    /// The sessions' texts, a table per shard (see `texts(of:)`).
    var textTables: [[SessionTexts]]

    /// A snapshot made by hand (for tests and tools): rows with their texts.
    public init(time: Double, sessions: [(SessionSummary, SessionTexts)], totals: Totals, detail: SessionDetail?) {
        self.time = time
        self.sessions = sessions.enumerated().map { index, pair in
            var row = pair.0
            row.textsSlot = TextsSlot(table: 0, index: UInt32(index))
            return row
        }
        self.textTables = [sessions.map(\.1)]
        self.totals = totals
        self.detail = detail
    }

    init(time: Double, sessions: [SessionSummary], textTables: [[SessionTexts]], totals: Totals, detail: SessionDetail?)
    {
        self.time = time
        self.sessions = sessions
        self.textTables = textTables
        self.totals = totals
        self.detail = detail
    }

    /// The name, URL and last close reason, error and stop reason of a row of this snapshot.
    public func texts(of row: SessionSummary) -> SessionTexts {
        self.textTables[Int(row.textsSlot.table)][Int(row.textsSlot.index)]
    }
}

/// Aggregates over every session.
public struct Totals: Sendable {
    public var sessionsByState: [SessionState: Int] = [:]
    /// Open sessions whose feed is stale (`--stale-after`).
    public var staleSessions = 0
    public var rates1s = Rates()
    public var rates10s = Rates()
    /// Reconnect attempts per second over the last 10 s.
    public var reconnectsPerSecond: Double = 0
    /// Close codes of ended connections (1005 and 1006 included).
    public var closeCodes: [UInt16: Int] = [:]
    /// HTTP statuses of rejected handshakes.
    public var rejectionStatuses: [Int: Int] = [:]
    /// Failed attempts other than rejections, by reason (refused, DNS, timeouts, TLS…).
    public var failures: [FailureKind: Int] = [:]
    /// The last minute, one sample per second, oldest first: for sparklines.
    public var history: [SecondSample] = []
    /// The whole run's storm: attempts, opens, delays, lifetimes, causes.
    public var storm = StormStats()

    public init() {}
}

/// Process-wide traffic in one second.
public struct SecondSample: Hashable, Sendable {
    public var second: Int64
    public var messages: Int
    public var bytes: Int
    public var reconnects: Int

    public init(second: Int64, messages: Int = 0, bytes: Int = 0, reconnects: Int = 0) {
        self.second = second
        self.messages = messages
        self.bytes = bytes
        self.reconnects = reconnects
    }
}
