import Foundation
import NIOPosix
import Testing
import WSMonClient
import WSMonCore
import WSMonLab

@testable import WSMonMonitor

/// The storm view's warning: 100 sessions that lose their server at once retry in step
/// when the policy's jitter is off, and spread out with full jitter.
@Suite("Reconnect storms", .serialized)
struct StormTests {
    /// A generator whose every draw is the largest: the backoff's "uniform in [0, ceiling]"
    /// becomes exactly the ceiling, jitter turned off as a test build of the policy would.
    struct NoJitter: RandomNumberGenerator, Sendable {
        mutating func next() -> UInt64 { .max }
    }

    /// 100 sessions open on the lab, then every connection is dropped at once: each
    /// session reconnects after its backoff (1 s ceiling).
    static func storm(jitter: Bool) async throws -> (all: StormStats, merged: StormView) {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let monitor = Monitor()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        var options = SessionOptions(url: try WebSocketURL(parsing: lab.url("/echo")))
        options.pingInterval = nil
        options.reconnect.backoffInitial = .seconds(1)
        options.reconnect.backoffMultiplier = 1
        options.reconnect.backoffCap = .seconds(1)
        options.reconnect.parallelHandshakes = true
        // 100, not more: the retries start one after another on one loop, and with both cores
        // busy 200 of them took 250 ms to start, more than the warning's 100 ms window.
        let count = 100
        var sessions: [Session] = []
        for id in 1...count {
            let sink = monitor.register(id: id, options: options, on: loop)
            let session =
                jitter
                ? Session(id: id, options: options, eventLoop: loop, random: SystemRandomNumberGenerator(), sink: sink)
                : Session(id: id, options: options, eventLoop: loop, random: NoJitter(), sink: sink)
            sessions.append(session)
        }
        defer { for session in sessions { session.close() } }
        for session in sessions { session.start() }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if await monitor.collect().totals.sessionsByState[.open] == count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Every connection dropped at once (as a restarting server or proxy does): one wave
        // of retries, a backoff later. The drops run in one turn of the loop, so a busy host
        // cannot spread them (posted one by one they spread over 220 ms with both cores busy).
        let dropped = sessions
        loop.execute { for session in dropped { session.dropConnection() } }
        var snapshot = await monitor.collect()
        while ContinuousClock.now < deadline {
            snapshot = await monitor.collect()
            if snapshot.totals.storm.retryHundredths.values.reduce(0, +) >= count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (snapshot.totals.storm, StormView(merging: snapshot.sessions))
    }

    @Test func retriesInStepRaiseTheWarningAndFullJitterDoesNot() async throws {
        let (herded, herdedSessions) = try await Self.storm(jitter: false)
        // Every session's share, merged, tells the same story as the shard's whole-run figures.
        #expect(herdedSessions.storm.attempts == herded.attempts && herded.attempts >= 200)
        #expect(herdedSessions.storm.opens == herded.opens)
        #expect(herdedSessions.storm.causes == herded.causes)
        #expect(herdedSessions.storm.reconnectDelays == herded.reconnectDelays)
        #expect(herdedSessions.storm.lifetimes == herded.lifetimes)
        #expect(herdedSessions.storm.retryHundredths == herded.retryHundredths, "at most 2 retries each, all kept")
        #expect(herdedSessions.storm.herding() != nil)
        let warning = try #require(
            herded.herding(),
            "100 retries without jitter land together: \(String(describing: herded.herding(share: 0, minimum: 1)))"
        )
        #expect(warning.share > StormStats.herdingShare)
        #expect(warning.attempts >= 50)
        let (jittered, jitteredSessions) = try await Self.storm(jitter: true)
        #expect(jitteredSessions.storm.herding() == nil)
        #expect(jittered.herding() == nil, "full jitter spreads the retries: \(String(describing: jittered.herding()))")
        #expect(jittered.causes.keys.contains { $0.cause == .localClose }, "a drop is wsmon's")
    }

    @Test func aSharedIdleTimeBeforeTheCutIsNamed() {
        var storm = StormStats()
        for index in 0..<10 {
            var tally = EventTally()
            tally.closeCause = CauseTally(cause: .eofWithoutClose, code: 1006, silence: index < 8 ? 60.2 : 3)
            storm.record(tally, at: 1000)
        }
        let key = StormStats.CauseKey(cause: .eofWithoutClose, code: 1006)
        #expect(storm.causes[key]?.count == 10)
        #expect(storm.commonSilence(of: key)?.seconds == 60)
        #expect(storm.commonSilence(of: key)?.count == 8)
        var few = StormStats()
        var tally = EventTally()
        tally.closeCause = CauseTally(cause: .eofWithoutClose, code: 1006, silence: 60)
        few.record(tally, at: 1000)
        #expect(few.commonSilence(of: key) == nil, "one connection suggests nothing")
    }
}
