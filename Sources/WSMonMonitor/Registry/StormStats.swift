/// What explains a reconnect storm, over the whole run: attempts and opens over time,
/// retries per hundredth of a second (for herding), the reconnect delays and connection
/// lifetimes as histograms, and how connections ended, grouped by cause. A shard keeps one
/// for its sessions, by the second; snapshots merge them. Sized by the run's length (a
/// second and a hundredth of a second per entry at most), not by the number of sessions.
/// A filtered set of sessions gets one merged from their `SessionStorm`s, in coarser buckets.
public struct StormStats: Hashable, Sendable {
    /// Attempts and opens in one bucket of the timeline.
    public struct Bucket: Hashable, Sendable {
        public var attempts = 0
        public var opens = 0

        public init(attempts: Int = 0, opens: Int = 0) {
            self.attempts = attempts
            self.opens = opens
        }

        static func + (lhs: Self, rhs: Self) -> Self {
            Bucket(attempts: lhs.attempts + rhs.attempts, opens: lhs.opens + rhs.opens)
        }

        static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    }

    /// Connections that ended the same way: a cause and a close code.
    public struct CauseKey: Hashable, Sendable, Comparable {
        public var cause: CloseCause
        public var code: UInt16

        public init(cause: CloseCause, code: UInt16) {
            self.cause = cause
            self.code = code
        }

        public static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.cause.rawValue, lhs.code) < (rhs.cause.rawValue, rhs.code)
        }
    }

    public struct CauseGroup: Hashable, Sendable {
        public var count = 0
        /// For cuts without a Close: how many had been silent for each whole number of seconds.
        public var silences: [Int: Int] = [:]

        public init(count: Int = 0, silences: [Int: Int] = [:]) {
            self.count = count
            self.silences = silences
        }
    }

    /// Counts in buckets whose upper bounds (seconds) are `bounds`; the last is open-ended.
    /// Holds no counts until the first value, so every session can carry two.
    public struct Histogram: Hashable, Sendable {
        public let bounds: [Double]
        private var stored: [Int] = []

        public init(bounds: [Double]) {
            self.bounds = bounds
        }

        public var counts: [Int] {
            self.stored.isEmpty ? Array(repeating: 0, count: self.bounds.count + 1) : self.stored
        }

        mutating func add(_ value: Double) {
            if self.stored.isEmpty { self.stored = self.counts }
            self.stored[self.bounds.firstIndex { value < $0 } ?? self.bounds.count] += 1
        }

        mutating func merge(_ other: Histogram) {
            guard !other.stored.isEmpty else { return }
            guard !self.stored.isEmpty else {
                self.stored = other.stored
                return
            }
            for index in self.stored.indices { self.stored[index] += other.stored[index] }
        }

        public var total: Int { self.stored.reduce(0, +) }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.bounds == rhs.bounds && lhs.counts == rhs.counts
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(self.bounds)
            hasher.combine(self.counts)
        }
    }

    public static let reconnectDelayBounds: [Double] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60]
    public static let lifetimeBounds: [Double] = [1, 5, 10, 30, 60, 300, 1800]

    /// Attempts and opens by bucket, keyed by the bucket's first second since 1970.
    public var timeline: [Int64: Bucket] = [:]
    /// How many seconds a bucket of `timeline` spans: 1 for a shard's, a power of two for a
    /// filtered set's (what their `SessionStorm`s kept).
    public var bucketSeconds: Int64 = 1
    /// Retries (attempts after a session's first) by hundredth of a second since 1970.
    public var retryHundredths: [Int64: Int] = [:]
    public var reconnectDelays = Histogram(bounds: Self.reconnectDelayBounds)
    public var lifetimes = Histogram(bounds: Self.lifetimeBounds)
    public var causes: [CauseKey: CauseGroup] = [:]

    public init() {}

    mutating func record(_ tally: EventTally, at time: Double) {
        if tally.attempt { self.timeline[Int64(time.rounded(.down)), default: Bucket()].attempts += 1 }
        if tally.reconnectAttempts > 0 { self.retryHundredths[Int64((time * 100).rounded(.down)), default: 0] += 1 }
        if tally.opened { self.timeline[Int64(time.rounded(.down)), default: Bucket()].opens += 1 }
        if let delay = tally.reconnectDelay { self.reconnectDelays.add(delay) }
        if let lifetime = tally.lifetime { self.lifetimes.add(lifetime) }
        if let ended = tally.closeCause { Self.add(ended, to: &self.causes) }
    }

    static func add(_ ended: CauseTally, to causes: inout [CauseKey: CauseGroup]) {
        let key = CauseKey(cause: ended.cause, code: ended.code)
        causes[key, default: CauseGroup()].count += 1
        if let silence = ended.silence, ended.cause == .eofWithoutClose || ended.cause == .tcpReset {
            causes[key, default: CauseGroup()].silences[Int(silence.rounded()), default: 0] += 1
        }
    }

    static func merge(_ other: [CauseKey: CauseGroup], into causes: inout [CauseKey: CauseGroup]) {
        for (key, group) in other {
            var merged = causes[key, default: CauseGroup()]
            merged.count += group.count
            merged.silences.merge(group.silences, uniquingKeysWith: +)
            causes[key] = merged
        }
    }

    /// Merges another shard's (same bucket width).
    mutating func merge(_ other: StormStats) {
        self.timeline.merge(other.timeline, uniquingKeysWith: +)
        self.retryHundredths.merge(other.retryHundredths, uniquingKeysWith: +)
        self.reconnectDelays.merge(other.reconnectDelays)
        self.lifetimes.merge(other.lifetimes)
        Self.merge(other.causes, into: &self.causes)
    }

    public var attempts: Int { self.timeline.values.reduce(0) { $0 + $1.attempts } }
    public var opens: Int { self.timeline.values.reduce(0) { $0 + $1.opens } }

    /// Herding: a 100 ms window (sliding by 10 ms) that holds more than `share` of the
    /// retries made from half a second before it to half a second after it, with at least `minimum` retries in
    /// it. Full jitter spreads a wave of retries over the whole backoff window; clients
    /// retrying in step land together.
    public struct Herding: Hashable, Sendable {
        /// Start of the 100 ms window, seconds since 1970.
        public var windowStart: Double
        public var attempts: Int
        /// Retries from half a second before the window to half a second after it.
        public var nearby: Int
        public var share: Double { self.nearby == 0 ? 0 : Double(self.attempts) / Double(self.nearby) }
    }

    public static let herdingShare = 0.5
    public static let herdingMinimum = 20

    public func herding(share: Double = Self.herdingShare, minimum: Int = Self.herdingMinimum) -> Herding? {
        let keys = self.retryHundredths.keys.sorted()
        var sums = [0]
        sums.reserveCapacity(keys.count + 1)
        for key in keys { sums.append(sums.last! + self.retryHundredths[key]!) }
        var (windowEnd, nearbyStart, nearbyEnd) = (0, 0, 0)
        var worst: Herding?
        for (index, key) in keys.enumerated() {
            while windowEnd < keys.count && keys[windowEnd] < key + 10 { windowEnd += 1 }
            while keys[nearbyStart] < key - 50 { nearbyStart += 1 }
            while nearbyEnd < keys.count && keys[nearbyEnd] < key + 60 { nearbyEnd += 1 }
            let inWindow = sums[windowEnd] - sums[index]
            guard inWindow >= minimum else { continue }
            let found = Herding(
                windowStart: Double(key) / 100,
                attempts: inWindow,
                nearby: sums[nearbyEnd] - sums[nearbyStart]
            )
            if found.share > share && found.share > worst?.share ?? 0 { worst = found }
        }
        return worst
    }

    /// The idle time most cuts of a group had in common, when it suggests one: at least
    /// three connections, half the group, silent for the same whole number of seconds (5 or
    /// more) before the cut.
    public func commonSilence(of key: CauseKey) -> (seconds: Int, count: Int)? {
        guard let group = self.causes[key],
            let common = group.silences.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }),
            common.key >= Int(CloseCause.notableSilence), common.value >= 3, common.value * 2 >= group.count
        else { return nil }
        return (common.key, common.value)
    }
}
