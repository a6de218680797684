/// What explains a reconnect storm, over the whole run: attempts and opens per second,
/// attempts per 100 ms (for herding), the reconnect delays and connection lifetimes as
/// histograms, and how connections ended, grouped by cause. A shard keeps one; snapshots
/// merge them. Sized by the run's length (a second and a tenth of a second per entry at
/// most), not by the number of sessions.
public struct StormStats: Hashable, Sendable {
    public struct Second: Hashable, Sendable {
        public var attempts = 0
        public var opens = 0
    }

    /// Connections that ended the same way: a cause and a close code.
    public struct CauseKey: Hashable, Sendable, Comparable {
        public var cause: CloseCause
        public var code: UInt16

        public static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.cause.rawValue, lhs.code) < (rhs.cause.rawValue, rhs.code)
        }
    }

    public struct CauseGroup: Hashable, Sendable {
        public var count = 0
        /// For cuts without a Close: how many had been silent for each whole number of seconds.
        public var silences: [Int: Int] = [:]
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
    /// Attempts by tenth of a second since 1970.
    public var attemptTenths: [Int64: Int] = [:]
    public var reconnectDelays = Histogram(bounds: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60])
    public var lifetimes = Histogram(bounds: [1, 5, 10, 30, 60, 300, 1800])
    public var causes: [CauseKey: CauseGroup] = [:]

    public init() {}

    mutating func record(_ tally: EventTally, at time: Double) {
        if tally.attempt {
            self.seconds[Int64(time.rounded(.down)), default: Second()].attempts += 1
            self.attemptTenths[Int64((time * 10).rounded(.down)), default: 0] += 1
        }
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
        self.attemptTenths.merge(other.attemptTenths, uniquingKeysWith: +)
        self.reconnectDelays.merge(other.reconnectDelays)
        self.lifetimes.merge(other.lifetimes)
        for (key, group) in other.causes {
            var merged = self.causes[key, default: CauseGroup()]
            merged.count += group.count
            merged.silences.merge(group.silences, uniquingKeysWith: +)
            self.causes[key] = merged
        }
    }

    /// Herding: the 100 ms that holds more than `share` of the attempts made within a second
    /// either side of it, with at least `minimum` attempts in it. Full jitter spreads a wave
    /// of retries over the whole backoff window; clients retrying in step land together.
    public struct Herding: Hashable, Sendable {
        /// Start of the 100 ms window, seconds since 1970.
        public var windowStart: Double
        public var attempts: Int
        public var nearby: Int
        public var share: Double { self.nearby == 0 ? 0 : Double(self.attempts) / Double(self.nearby) }
    }

    public static let herdingShare = 0.5
    public static let herdingMinimum = 20

    public func herding(share: Double = Self.herdingShare, minimum: Int = Self.herdingMinimum) -> Herding? {
        var worst: Herding?
        for (tenth, count) in self.attemptTenths where count >= minimum {
            let nearby = (tenth - 10...tenth + 10).reduce(0) { $0 + (self.attemptTenths[$1] ?? 0) }
            let found = Herding(windowStart: Double(tenth) / 10, attempts: count, nearby: nearby)
            guard found.share > share else { continue }
            if worst == nil || found.share > worst!.share
                || (found.share == worst!.share && found.windowStart < worst!.windowStart)
            {
                worst = found
            }
        }
        return worst
    }

    /// The idle time most cuts of a group had in common, when it suggests one: at least
    /// three connections, half the group, silent for the same whole number of seconds (5 or
    /// more) before the cut.
    public func commonSilence(of key: CauseKey) -> (seconds: Int, count: Int)? {
        guard let group = self.causes[key],
            let (seconds, count) = group.silences.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }),
            seconds >= Int(CloseCause.notableSilence), count >= 3, count * 2 >= group.count
        else { return nil }
        return (seconds, count)
    }
}
