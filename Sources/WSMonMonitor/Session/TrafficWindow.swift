/// Messages and bytes per second in each direction.
public struct Rates: Hashable, Sendable {
    public var messagesIn: Double = 0
    public var messagesOut: Double = 0
    public var bytesIn: Double = 0
    public var bytesOut: Double = 0

    public init() {}

    public static func + (lhs: Rates, rhs: Rates) -> Rates {
        var sum = lhs
        sum.messagesIn += rhs.messagesIn
        sum.messagesOut += rhs.messagesOut
        sum.bytesIn += rhs.bytesIn
        sum.bytesOut += rhs.bytesOut
        return sum
    }
}

/// Per-second traffic counts over the last `TrafficWindow.seconds` seconds, for rates over
/// 1 s and 10 s windows. Allocated on the first message, so idle sessions pay nothing.
struct TrafficWindow: Sendable {
    static let seconds = 10

    private struct Bucket {
        var second: Int64 = .min
        var messagesIn: UInt32 = 0
        var messagesOut: UInt32 = 0
        var bytesIn: UInt64 = 0
        var bytesOut: UInt64 = 0
    }

    // One more than the window: the current, incomplete second.
    private var buckets: [Bucket] = []

    mutating func add(second: Int64, inbound: Bool, messages: UInt32, bytes: UInt64) {
        if self.buckets.isEmpty { self.buckets = Array(repeating: Bucket(), count: Self.seconds + 1) }
        let index = Int(UInt64(bitPattern: second) % UInt64(Self.seconds + 1))
        if self.buckets[index].second != second { self.buckets[index] = Bucket(second: second) }
        if inbound {
            self.buckets[index].messagesIn &+= messages
            self.buckets[index].bytesIn &+= bytes
        } else {
            self.buckets[index].messagesOut &+= messages
            self.buckets[index].bytesOut &+= bytes
        }
    }

    /// True when a second after `second` had traffic (buckets exist only for such seconds).
    func hasTraffic(after second: Int64) -> Bool {
        self.buckets.contains { $0.second > second }
    }

    /// Average rates over the `window` complete seconds before `now`'s second.
    func rates(now: Double, window: Int) -> Rates {
        var rates = Rates()
        guard !self.buckets.isEmpty else { return rates }
        let current = Int64(now.rounded(.down))
        let oldest = current - Int64(window)
        for bucket in self.buckets where bucket.second >= oldest && bucket.second < current {
            rates.messagesIn += Double(bucket.messagesIn)
            rates.messagesOut += Double(bucket.messagesOut)
            rates.bytesIn += Double(bucket.bytesIn)
            rates.bytesOut += Double(bucket.bytesOut)
        }
        let span = Double(window)
        rates.messagesIn /= span
        rates.messagesOut /= span
        rates.bytesIn /= span
        rates.bytesOut /= span
        return rates
    }
}
