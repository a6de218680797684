/// One session's share of the storm, small enough for every row to carry: the storm tab of
/// a filtered set of sessions merges theirs (`StormView(merging:)`). Bounded whatever the
/// run's length: attempts and opens in at most 64 buckets over the session's whole run (a
/// bucket's width doubles as the run outgrows them: 1 s, 2 s, 4 s…; the tab's graph has at
/// most 120 columns anyway), the times of its last 32 retries (for herding), its reconnect
/// delays and lifetimes as histograms, its close causes and handshake failures.
public struct SessionStorm: Hashable, Sendable {
    static let bucketCapacity = 64
    static let retryCapacity = 32

    typealias Bucket = StormStats.Bucket

    struct Contents: Hashable {
        /// A bucket spans 2^shift seconds; `buckets[0]` is bucket number `start` (seconds
        /// since 1970 divided by the width).
        var shift = 0
        var start: Int64 = 0
        var buckets: [Bucket] = []
        /// Hundredths of a second since 1970, a ring once full; `nextRetry` is its oldest.
        var retries: [Int64] = []
        var nextRetry = 0
        var reconnectDelays = StormStats.Histogram(bounds: StormStats.reconnectDelayBounds)
        var lifetimes = StormStats.Histogram(bounds: StormStats.lifetimeBounds)
        var causes: [StormStats.CauseKey: StormStats.CauseGroup] = [:]
        var rejectionStatuses: [Int: Int] = [:]
        var failures: [FailureKind: Int] = [:]

        mutating func count(second: Int64, attempt: Bool) {
            var bucket = second >> self.shift
            if self.buckets.isEmpty {
                self.start = bucket
                self.buckets = [Bucket()]
            }
            while max(bucket, self.start + Int64(self.buckets.count) - 1) - min(bucket, self.start)
                >= SessionStorm.bucketCapacity
            {
                self.coarsen()
                bucket = second >> self.shift
            }
            if bucket < self.start {
                self.buckets.insert(contentsOf: repeatElement(Bucket(), count: Int(self.start - bucket)), at: 0)
                self.start = bucket
            }
            let index = Int(bucket - self.start)
            if index >= self.buckets.count {
                self.buckets.append(contentsOf: repeatElement(Bucket(), count: index - self.buckets.count + 1))
            }
            if attempt {
                self.buckets[index].attempts += 1
            } else {
                self.buckets[index].opens += 1
            }
        }

        /// Doubles the buckets' width, adding neighbours together.
        private mutating func coarsen() {
            let start = self.start >> 1
            let count = Int(((self.start + Int64(self.buckets.count) - 1) >> 1) - start) + 1
            var buckets = [Bucket](repeating: Bucket(), count: count)
            for (index, bucket) in self.buckets.enumerated() {
                let target = Int(((self.start + Int64(index)) >> 1) - start)
                buckets[target] += bucket
            }
            (self.shift, self.start, self.buckets) = (self.shift + 1, start, buckets)
        }

        mutating func keepRetry(at hundredth: Int64) {
            if self.retries.count < SessionStorm.retryCapacity {
                self.retries.append(hundredth)
            } else {
                self.retries[self.nextRetry] = hundredth
                self.nextRetry = (self.nextRetry + 1) % SessionStorm.retryCapacity
            }
        }
    }

    /// Shared by copies until one changes (rows are copied into every snapshot).
    private final class Box: @unchecked Sendable {
        var contents: Contents

        init(_ contents: Contents) { self.contents = contents }
    }

    /// Nil until the session's first attempt.
    private var box: Box?

    public init() {}

    var contents: Contents? { self.box?.contents }

    /// Takes a tally that `changesStorm`.
    mutating func record(_ tally: EventTally, at time: Double) {
        if self.box == nil || !isKnownUniquelyReferenced(&self.box!) {
            self.box = Box(self.box?.contents ?? Contents())
        }
        let second = Int64(time.rounded(.down))
        if tally.attempt { self.box!.contents.count(second: second, attempt: true) }
        if tally.opened { self.box!.contents.count(second: second, attempt: false) }
        if tally.reconnectAttempts > 0 { self.box!.contents.keepRetry(at: Int64((time * 100).rounded(.down))) }
        if let delay = tally.reconnectDelay { self.box!.contents.reconnectDelays.add(delay) }
        if let lifetime = tally.lifetime { self.box!.contents.lifetimes.add(lifetime) }
        if let ended = tally.closeCause { StormStats.add(ended, to: &self.box!.contents.causes) }
        if let status = tally.rejectionStatus { self.box!.contents.rejectionStatuses[status, default: 0] += 1 }
        if let failure = tally.failure { self.box!.contents.failures[failure, default: 0] += 1 }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.box === rhs.box || lhs.contents == rhs.contents
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.contents)
    }
}
