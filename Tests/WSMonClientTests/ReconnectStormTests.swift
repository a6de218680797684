import NIOCore
import Synchronization
import Testing
import WSMonClient
import WSMonCore
import WSMonLab
import WSMonTestSupport

/// 500 sessions against a server that drops them: the session shell runs the policy's
/// delays over real sockets (the delays themselves are tested in SessionStateMachineTests).
@Suite("Reconnect storm")
struct ReconnectStormTests {
    @Test func fiveHundredSessionsBackOffWithJitterWithinThePolicy() async throws {
        let lab = try await ScenarioLab.start()
        let recorder = SessionRecorder()
        let initial = Duration.milliseconds(100)
        let cap = Duration.milliseconds(800)
        // When each session's events reached the sink, on the loops' own monotonic clock.
        let stamps = Mutex<[Int: [(kind: SessionEvent.Kind, at: NIODeadline)]]>([:])
        var sessions: [Session] = []
        for id in 1...500 {
            var options = SessionOptions(url: try WebSocketURL(parsing: lab.url("/periodic-drop?every=0.2&jitter=0.2")))
            options.pingInterval = nil
            options.reconnect.backoffInitial = initial
            options.reconnect.backoffMultiplier = 2
            options.reconnect.backoffCap = cap
            options.reconnect.stablePeriod = .seconds(60)
            let session = recorder.start(options, id: id, random: SeededRandom(seed: UInt64(id))) { event, _ in
                stamps.withLock { $0[event.session, default: []].append((event.kind, NIODeadline.now())) }
            }
            sessions.append(session)
        }
        // Whatever fails below, 500 reconnecting sessions must not outlive the test.
        defer { for session in sessions { session.close() } }
        try await recorder.wait(timeout: .seconds(60), "three drops per session") { events in
            Set(events.compactMap { if case .reconnectScheduled = $0.kind { $0.session } else { nil } }).count == 500
                && events.count { if case .closed = $0.kind { true } else { false } } >= 1500
        }
        for session in sessions { session.close() }
        let events = try await recorder.wait(timeout: .seconds(20), "all sessions stopped") { events in
            events.count { if case .stopped = $0.kind { true } else { false } } == 500
        }
        #expect(events.allSatisfy { if case .stopped(let reason) = $0.kind { reason == .userClosed } else { true } })

        var firstDelays: [Duration] = []
        var waits = 0
        for (id, own) in stamps.withLock({ $0 }) {
            var scheduled: (at: NIODeadline, delay: Duration)?
            var drops = 0
            for (kind, at) in own {
                switch kind {
                case .reconnectScheduled(let delay, _, _):
                    // No stable period passes, so the ceiling doubles with every drop.
                    drops += 1
                    let ceiling = min(cap, initial * (1 << min(drops - 1, 20)))
                    #expect(delay >= .zero && delay <= ceiling, "session \(id) drop \(drops): \(delay) > \(ceiling)")
                    if drops == 1 { firstDelays.append(delay) }
                    scheduled = (at, delay)
                case .connecting:
                    if let scheduled {
                        // The loop's timer never fires early, and both stamps read its clock.
                        let waited = Duration.nanoseconds((at - scheduled.at).nanoseconds)
                        #expect(waited >= scheduled.delay, "session \(id) reconnected early")
                        waits += 1
                    }
                    scheduled = nil
                default:
                    break
                }
            }
        }
        #expect(waits >= 1000)
        // Full jitter: the first delays spread over [0, 100 ms] instead of bunching at one value.
        #expect(firstDelays.count == 500)
        let buckets = Dictionary(grouping: firstDelays) { min(9, Int($0 / .milliseconds(10))) }
        #expect(
            (0..<10).allSatisfy { (buckets[$0]?.count ?? 0) >= 20 },
            "every 10 ms slice is used: \(buckets.mapValues(\.count))"
        )
        try await lab.shutdown()
    }
}
