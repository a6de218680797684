import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonLab

@Suite("Reconnect storm")
struct ReconnectStormTests {
    @Test func fiveHundredSessionsBackOffWithJitterWithinThePolicy() async throws {
        let lab = try await ScenarioLab.start()
        let recorder = SessionRecorder()
        let initial = 0.1
        let cap = 0.8
        var sessions: [Session] = []
        for id in 1...500 {
            var options = SessionOptions(url: try WebSocketURL(parsing: lab.url("/periodic-drop?every=0.2&jitter=0.2")))
            options.pingInterval = nil
            options.reconnect.backoffInitial = .milliseconds(Int64(initial * 1000))
            options.reconnect.backoffMultiplier = 2
            options.reconnect.backoffCap = .milliseconds(Int64(cap * 1000))
            options.reconnect.stablePeriod = .seconds(60)
            sessions.append(recorder.start(options, id: id))
        }
        // Whatever fails below, 500 reconnecting sessions must not outlive the test.
        defer { for session in sessions { session.close() } }
        try await recorder.wait(timeout: .seconds(60), "three drops per session") { events in
            events.count { if case .reconnectScheduled(_, 3, _) = $0.kind { return true } else { return false } } >= 500
        }
        for session in sessions { session.close() }
        let events: [SessionEvent]
        do {
            events = try await recorder.wait(timeout: .seconds(20), "all sessions stopped") { events in
                events.count { if case .stopped = $0.kind { return true } else { return false } } == 500
            }
        } catch {
            let all = recorder.all
            let stopped = Set(all.compactMap { if case .stopped = $0.kind { return $0.session } else { return nil } })
            let stuck = (1...500).filter { !stopped.contains($0) }
            let tails = stuck.prefix(3).map { id in all.filter { $0.session == id }.suffix(4).map { "\($0.kind)" } }
            Issue.record("\(stuck.count) sessions did not stop; last events of the first: \(tails)")
            let stops = Dictionary(
                grouping: all.filter { if case .stopped = $0.kind { return true } else { return false } },
                by: \.session
            )
            for (id, twice) in stops where twice.count > 1 {
                Issue.record(
                    "session \(id) stopped \(twice.count) times: \(all.filter { $0.session == id }.suffix(12).map { "\($0.kind)" })"
                )
            }
            let attempting = stuck.filter { id in
                if case .connecting(let attempt, _)? = all.last(where: { $0.session == id })?.kind {
                    return attempt > 0
                }
                return false
            }
            for id in attempting {
                Issue.record(
                    "session \(id) is mid-attempt: \(all.filter { $0.session == id }.suffix(8).map { "\($0.time.timeIntervalSince1970) \($0.kind)" })"
                )
            }
            throw error
        }
        #expect(
            events.allSatisfy {
                if case .stopped(let reason) = $0.kind { return reason == .userClosed } else { return true }
            }
        )

        var firstDelays: [Double] = []
        var waits = 0
        for id in 1...500 {
            let own = events.filter { $0.session == id }
            var scheduled: (at: Date, delay: Double)?
            for event in own {
                switch event.kind {
                case .reconnectScheduled(let delay, let attempt, _):
                    let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
                    let ceiling = min(cap, initial * pow(2, Double(attempt - 1)))
                    #expect(
                        seconds >= 0 && seconds <= ceiling + 1e-6,
                        "session \(id) attempt \(attempt): \(seconds) s > \(ceiling) s"
                    )
                    if attempt == 1 { firstDelays.append(seconds) }
                    scheduled = (event.time, seconds)
                case .connecting:
                    if let scheduled {
                        // None tighter than the policy allows (5 ms of timer slack).
                        #expect(
                            event.time.timeIntervalSince(scheduled.at) >= scheduled.delay - 0.005,
                            "session \(id) reconnected early"
                        )
                        waits += 1
                    }
                    scheduled = nil
                default:
                    break
                }
            }
        }
        #expect(waits >= 1000)
        // Full jitter: the first delays cover [0, 100 ms] instead of bunching at one value.
        #expect(firstDelays.count >= 500)
        let sorted = firstDelays.sorted()
        #expect(sorted.first! < 0.01 && sorted.last! > 0.09, "spread \(sorted.first!)…\(sorted.last!)")
        let buckets = Dictionary(grouping: firstDelays) { min(9, Int($0 / 0.01)) }
        #expect(
            (0..<10).allSatisfy { (buckets[$0]?.count ?? 0) >= 20 },
            "every 10 ms slice is used: \(buckets.mapValues(\.count))"
        )
        try await lab.shutdown()
    }
}
