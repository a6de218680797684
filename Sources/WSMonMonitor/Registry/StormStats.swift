/// What explains a reconnect storm, over the whole run: attempts and opens per second,
/// attempts per 100 ms (for herding), the reconnect delays and connection lifetimes as
/// histograms, and how connections ended, grouped by cause. A shard keeps one; snapshots
/// merge them. Sized by the run's length (a second and a tenth of a second per entry at
/// most), not by the number of sessions.
public struct StormStats: Hashable, Sendable {
    public struct Second: Hashable, Sendable {
        public var attempts = 0
        public var opens = 0

        public init(attempts: Int = 0, opens: Int = 0) {
            self.attempts = attempts
            self.opens = opens
        }
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
    public struct Histogram: Hashable, Sendable {
        public let bounds: [Double]
        public private(set) var counts: [Int]

        public init(bounds: [Double]) {
            self.bounds = bounds
            self.counts = Array(repeating: 0, count: bounds.count + 1)
        }

        mutating func add(_ value: Double) {
            let index = self.bounds.firstIndex { value < $0 } ?? self.bounds.count
            self.counts[index] += 1
        }

        mutating func merge(_ other: Histogram) {
            for index in self.counts.indices { self.counts[index] += other.counts[index] }
        }

        public var total: Int { self.counts.reduce(0, +) }
    }

    public var seconds: [Int64: Second] = [:]
    /// Retries (attempts after a session's first) by hundredth of a second since 1970.
    public var retryHundredths: [Int64: Int] = [:]
    public var reconnectDelays = Histogram(bounds: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60])
    public var lifetimes = Histogram(bounds: [1, 5, 10, 30, 60, 300, 1800])
    public var causes: [CauseKey: CauseGroup] = [:]

    public init() {}

    mutating func record(_ tally: EventTally, at time: Double) {
        if tally.attempt {
            self.seconds[Int64(time.rounded(.down)), default: Second()].attempts += 1
        }
        if tally.reconnectAttempts > 0 { self.retryHundredths[Int64((time * 100).rounded(.down)), default: 0] += 1 }
        if tally.opened { self.seconds[Int64(time.rounded(.down)), default: Second()].opens += 1 }
        if let delay = tally.reconnectDelay { self.reconnectDelays.add(delay) }
        if let lifetime = tally.lifetime { self.lifetimes.add(lifetime) }
        if let ended = tally.closeCause {
            let key = CauseKey(cause: ended.cause, code: ended.code)
            self.causes[key, default: CauseGroup()].count += 1
            if let silence = ended.silence, ended.cause == .eofWithoutClose || ended.cause == .tcpReset {
                self.causes[key, default: CauseGroup()].silences[Int(silence.rounded()), default: 0] += 1
            }
        }
    }

    mutating func merge(_ other: StormStats) {
        self.seconds.merge(other.seconds) { Second(attempts: $0.attempts + $1.attempts, opens: $0.opens + $1.opens) }
        self.retryHundredths.merge(other.retryHundredths, uniquingKeysWith: +)
        self.reconnectDelays.merge(other.reconnectDelays)
        self.lifetimes.merge(other.lifetimes)
        for (key, group) in other.causes {
            var merged = self.causes[key, default: CauseGroup()]
            merged.count += group.count
            merged.silences.merge(group.silences, uniquingKeysWith: +)
            self.causes[key] = merged
        }
    }

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
