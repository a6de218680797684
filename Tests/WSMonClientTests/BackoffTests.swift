import Testing
import WSMonTestSupport

@testable import WSMonClient

@Suite("Backoff with full jitter")
struct BackoffTests {
    @Test func ceilingGrowsByTheMultiplierUpToTheCap() {
        let backoff = Backoff(initial: .seconds(1), multiplier: 2, cap: .seconds(60), random: SeededRandom())
        #expect(
            (1...8).map { backoff.ceiling(forAttempt: $0) }
                == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) }
        )
        #expect(backoff.ceiling(forAttempt: 10_000) == .seconds(60), "no overflow for huge attempts")
    }

    @Test func delaysAreSpreadUniformlyBelowTheCeiling() {
        var backoff = Backoff(initial: .seconds(1), multiplier: 2, cap: .seconds(8), random: SeededRandom(seed: 7))
        var delays: [Duration] = []
        for _ in 0..<2000 {
            backoff.reset()
            for _ in 0..<3 { _ = backoff.next() }
            delays.append(backoff.next())  // the 4th attempt: ceiling 8 s
        }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        let seconds = delays.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        let mean = seconds.reduce(0, +) / Double(seconds.count)
        #expect(abs(mean - 4) < 0.25, "full jitter has mean ceiling/2, got \(mean)")
        let buckets = Dictionary(grouping: seconds) { Int($0) }.mapValues(\.count)
        #expect((0..<8).allSatisfy { (buckets[$0] ?? 0) > 150 }, "every second of the range is used: \(buckets)")
    }

    @Test func resetStartsAgainFromTheFirstAttempt() {
        var backoff = Backoff(initial: .milliseconds(100), multiplier: 3, cap: .seconds(10), random: SeededRandom())
        for _ in 0..<5 { _ = backoff.next() }
        #expect(backoff.attempt == 5)
        backoff.reset()
        #expect(backoff.next() <= .milliseconds(100))
        #expect(backoff.attempt == 1)
    }
}
