/// Delays between reconnect attempts: exponential growth with full jitter
/// (AWS Architecture Blog, "Exponential Backoff and Jitter"): attempt n waits a uniformly
/// random time in [0, min(cap, initial × multiplierⁿ⁻¹)].
///
/// With the defaults (initial 1 s, multiplier 2, cap 60 s) the upper bounds are:
///
/// | attempt | 1 | 2 | 3 | 4 | 5  | 6  | 7+ |
/// |---------|---|---|---|---|----|----|----|
/// | ≤ s     | 1 | 2 | 4 | 8 | 16 | 32 | 60 |
///
/// A value-type iterator with an injected generator, so the jitter is testable. It is not
/// an `IteratorProtocol`: `next()` never ends.
public struct Backoff<Random: RandomNumberGenerator>: Sendable where Random: Sendable {
    public let initial: Duration
    public let multiplier: Double
    public let cap: Duration
    /// Attempts since the last reset.
    public private(set) var attempt = 0
    private var random: Random

    public init(initial: Duration, multiplier: Double, cap: Duration, random: Random) {
        self.initial = initial
        self.multiplier = max(1, multiplier)
        self.cap = cap
        self.random = random
    }

    /// The upper bound of the delay for attempt `n` (1-based).
    public func ceiling(forAttempt attempt: Int) -> Duration {
        let initial = Self.seconds(self.initial)
        let cap = Self.seconds(self.cap)
        // Capped before converting, so a huge exponent cannot overflow Duration.
        let grown = initial * pow(self.multiplier, Double(max(0, attempt - 1)))
        return Self.duration(min(cap, grown.isFinite ? grown : cap))
    }

    public mutating func next() -> Duration {
        self.attempt += 1
        let ceiling = Self.seconds(self.ceiling(forAttempt: self.attempt))
        return Self.duration(Double.random(in: 0...ceiling, using: &self.random))
    }

    /// Starts again from the first attempt (after a connection stayed open long enough).
    public mutating func reset() {
        self.attempt = 0
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64(max(0, seconds) * 1e9))
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 && result.isFinite {
            result *= base
            remaining -= 1
        }
        return result
    }
}
