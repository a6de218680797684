import Testing
import WSMonClient

@testable import WSMonMonitor

/// One session's share of the storm stays bounded however long it runs, and the shares of
/// a set of sessions merge into the storm of that set alone.
@Suite("A session's storm")
struct SessionStormTests {
    static let start: Double = 1_796_126_400

    static func attempt(opened: Bool = false, retry: Bool = true) -> EventTally {
        var tally = EventTally()
        tally.attempt = !opened
        tally.opened = opened
        tally.reconnectAttempts = retry && !opened ? 1 : 0
        return tally
    }

    @Test func aLongRunKeepsAtMost64BucketsAndEveryCount() throws {
        var storm = SessionStorm()
        // An attempt every second and an open every other for an hour and a bit.
        for second in 0..<4000 {
            storm.record(Self.attempt(), at: Self.start + Double(second) + 0.25)
            if second % 2 == 0 { storm.record(Self.attempt(opened: true), at: Self.start + Double(second) + 0.5) }
        }
        let contents = try #require(storm.contents)
        #expect(contents.buckets.count <= SessionStorm.bucketCapacity)
        #expect(contents.shift == 6, "4,000 s in 64-second buckets: \(contents.shift)")
        #expect(contents.buckets.map(\.attempts).reduce(0, +) == 4000)
        #expect(contents.buckets.map(\.opens).reduce(0, +) == 2000)
        #expect(contents.retries.count == SessionStorm.retryCapacity)
        #expect(contents.retries.max() == Int64((Self.start + 3999.25) * 100))
        #expect(contents.retries.min() == Int64((Self.start + 3968.25) * 100), "the last 32 retries")
        let view = StormView(merging: [Self.row(storm)])
        #expect(view.storm.bucketSeconds == 64)
        #expect(view.storm.attempts == 4000 && view.storm.opens == 2000)
        #expect(view.storm.timeline.keys.allSatisfy { $0 % 64 == 0 })
    }

    @Test func anEventBeforeTheFirstBucketIsKept() throws {
        var storm = SessionStorm()
        storm.record(Self.attempt(), at: Self.start + 10)
        storm.record(Self.attempt(), at: Self.start + 3)
        storm.record(Self.attempt(), at: Self.start - 100)
        let contents = try #require(storm.contents)
        #expect(contents.buckets.map(\.attempts).reduce(0, +) == 3)
        #expect(contents.buckets.count <= SessionStorm.bucketCapacity)
        #expect(SessionStorm() == SessionStorm() && storm != SessionStorm())
    }

    @Test func copiesDoNotShareChanges() {
        var first = SessionStorm()
        first.record(Self.attempt(), at: Self.start)
        var second = first
        second.record(Self.attempt(), at: Self.start + 1)
        #expect(first.contents?.buckets.map(\.attempts).reduce(0, +) == 1)
        #expect(second.contents?.buckets.map(\.attempts).reduce(0, +) == 2)
    }

    /// Sessions whose buckets differ merge into the coarsest, every count kept; only the
    /// filtered sessions' causes and failures count.
    @Test func theFilteredSessionsMergeAlone() {
        var long = SessionStorm()
        for second in stride(from: 0, to: 200, by: 1) { long.record(Self.attempt(), at: Self.start + Double(second)) }
        var short = SessionStorm()
        short.record(Self.attempt(), at: Self.start + 150)
        var ended = EventTally()
        ended.closeCause = CauseTally(cause: .eofWithoutClose, code: 1006, silence: 60)
        ended.lifetime = 42
        ended.reconnectDelay = 0.3
        short.record(ended, at: Self.start + 151)
        var rejected = EventTally()
        rejected.rejectionStatus = 503
        short.record(rejected, at: Self.start + 152)
        var other = SessionStorm()
        var refused = EventTally()
        refused.failure = .refused
        other.record(refused, at: Self.start + 1)
        let view = StormView(merging: [Self.row(long), Self.row(short)])
        #expect(view.filteredSessions == 2)
        #expect(view.storm.bucketSeconds == 4, "200 s need 4-second buckets")
        #expect(view.storm.attempts == 201)
        #expect(view.storm.timeline[Int64(Self.start) + 148]?.attempts == 5, "148–151: four of one, one of the other")
        #expect(view.storm.causes[StormStats.CauseKey(cause: .eofWithoutClose, code: 1006)]?.count == 1)
        #expect(view.storm.lifetimes.total == 1 && view.storm.reconnectDelays.total == 1)
        #expect(view.rejectionStatuses == [503: 1])
        #expect(view.failures.isEmpty, "the refused attempt is another session's")
    }

    static func row(_ storm: SessionStorm) -> SessionSummary {
        var row = SessionSummary(id: 1, state: .open, stateSince: Self.start, connection: 1)
        row.storm = storm
        return row
    }
}
