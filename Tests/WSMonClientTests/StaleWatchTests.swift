import Foundation
import Testing
import WSMonCore
import WSMonLab

@testable import WSMonClient

/// Stale feeds on virtual time (the watch is pure), then one session against the lab.
@Suite("Stale feeds")
struct StaleWatchTests {
    @Test func aFeedSilentPastTheLimitIsReportedOnceThenFreshOnData() {
        var watch = StaleWatch(limit: .seconds(5), openedAt: .seconds(100))
        #expect(watch.deadline == .seconds(105))
        #expect(watch.check(at: .seconds(104), pingUnanswered: false) == .notYet)
        #expect(watch.dataReceived(at: .seconds(104)) == false)
        #expect(watch.check(at: .seconds(105), pingUnanswered: false) == .notYet, "data moved the deadline")
        #expect(watch.deadline == .seconds(109))
        #expect(
            watch.check(at: .seconds(109), pingUnanswered: false) == .becameStale(silentFor: .seconds(5), pings: .none)
        )
        #expect(watch.check(at: .seconds(200), pingUnanswered: false) == .notYet, "reported once per silence")
        #expect(watch.dataReceived(at: .seconds(201)) == true, "fresh again")
        #expect(watch.dataReceived(at: .seconds(202)) == false)
        #expect(
            watch.check(at: .seconds(207), pingUnanswered: false) == .becameStale(silentFor: .seconds(5), pings: .none)
        )
    }

    @Test func answeredPingsMeanAQuietFeedUnansweredOnesAHalfOpenOne() {
        var quiet = StaleWatch(limit: .seconds(5), openedAt: .zero)
        quiet.pongReceived(at: .seconds(3))
        // A ping that left a moment ago does not outweigh the pongs that came.
        #expect(
            quiet.check(at: .seconds(5), pingUnanswered: true) == .becameStale(silentFor: .seconds(5), pings: .answered)
        )

        var halfOpen = StaleWatch(limit: .seconds(5), openedAt: .zero)
        #expect(
            halfOpen.check(at: .seconds(6), pingUnanswered: true)
                == .becameStale(silentFor: .seconds(6), pings: .unanswered)
        )

        // A pong from before the last data says nothing about the silence after it.
        var old = StaleWatch(limit: .seconds(5), openedAt: .zero)
        old.pongReceived(at: .seconds(1))
        _ = old.dataReceived(at: .seconds(2))
        #expect(old.check(at: .seconds(7), pingUnanswered: false) == .becameStale(silentFor: .seconds(5), pings: .none))
    }

    @Test("a silent lab endpoint goes stale, with pings answered or not")
    func silentEndpoints() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        for (id, path) in [(1, "/silent"), (2, "/silent?pongs=0")] {
            var options = SessionOptions(url: try WebSocketURL(parsing: lab.url(path)))
            options.reconnect.isEnabled = false
            options.pingInterval = .milliseconds(100)
            options.pongTimeout = .seconds(30)
            options.staleAfter = .seconds(1)
            recorder.start(options, id: id)
        }
        let events = try await recorder.wait { events in
            events.filter { if case .stale = $0.kind { true } else { false } }.count == 2
        }
        func stale(_ id: Int) -> PingEvidence? {
            events.lazy.filter { $0.session == id }.compactMap { event -> PingEvidence? in
                if case .stale(_, let pings) = event.kind { return pings }
                return nil
            }.first
        }
        #expect(stale(1) == .answered)
        #expect(stale(2) == .unanswered)
    }

    @Test("data after a silence reports fresh, once per silence")
    func freshAfterSilence() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        var options = SessionOptions(url: try WebSocketURL(parsing: lab.url("/echo")))
        options.reconnect.isEnabled = false
        options.pingInterval = nil
        options.staleAfter = .milliseconds(200)
        // The echo answers each interval message: silences of about 600 ms between data.
        options.intervalMessage = (.text("hello"), .milliseconds(800))
        recorder.start(options)
        let events = try await recorder.wait { events in
            events.filter { if case .fresh = $0.kind { true } else { false } }.count >= 2
        }
        let sequence = events.compactMap { event -> String? in
            switch event.kind {
            case .stale: return "stale"
            case .fresh: return "fresh"
            case .connection(.text): return "message"
            default: return nil
            }
        }
        #expect(Array(sequence.prefix(6)) == ["stale", "fresh", "message", "stale", "fresh", "message"])
    }
}
