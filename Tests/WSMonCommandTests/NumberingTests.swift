import Foundation
import Testing
import WSMonLab

/// The numbering rule of the JSON Lines (README "JSON Lines"): `connection` counts the
/// connections a session has opened (0 before any; from its `state: open` on, a connection's
/// events carry its own number),
/// `attempt` counts tries since the session started or last opened, and means the same in
/// `connecting` and in the `reconnect_scheduled` that announces it; every attempt has its
/// `state: connecting`.
@Suite("JSON Lines numbering")
struct NumberingTests {
    @Test func aStormOfFiftySessionsWithFailuresFollowsOneRule() async throws {
        let lab = try await ScenarioLab.start()
        let result: WSMonProcess.Result
        do {
            result = try await WSMonProcess.run([
                "--headless", "--count", "25", "--backoff-initial", "50ms", "--backoff-cap", "200ms",
                "--duration", "3s", lab.url("/periodic-drop?every=0.3&jitter=0.2"), lab.url("/reject?status=503"),
            ])
        } catch {
            try await lab.shutdown()
            throw error
        }
        try await lab.shutdown()
        let bySession = Dictionary(grouping: result.events) { $0["session"] as? Int ?? 0 }
        #expect(bySession.keys.sorted() == Array(1...50))
        var opens = 0
        var failures = 0
        for (id, events) in bySession {
            #expect(events.first?["event"] as? String == "state", "session \(id) starts with its state")
            // Queued at the §4.1 gate first (waiting), or connecting at once.
            #expect(["waiting", "connecting"].contains(events.first?["state"] as? String ?? ""))
            for (index, event) in events.enumerated() where event["event"] as? String == "connecting" {
                let before = index > 0 ? events[index - 1] : [:]
                #expect(
                    before["event"] as? String == "state" && before["state"] as? String == "connecting",
                    "session \(id): every attempt, the first too, has its state: connecting"
                )
            }
            var opened = 0
            var announced: Int?
            var attemptsSinceOpen = 0
            for event in events {
                let name = event["event"] as? String ?? ""
                let connection = event["connection"] as? Int
                // A connection's number starts with its `state: open`, just before its `open`.
                if name == "state" && event["state"] as? String == "open" {
                    opened += 1
                    attemptsSinceOpen = 0
                }
                if name == "open" {
                    opens += 1
                    #expect(event["reconnect"] as? Bool == (opened > 1), "session \(id)")
                }
                #expect(connection == opened, "session \(id): \(name) carries \(connection ?? -1), not \(opened)")
                switch name {
                case "connecting":
                    attemptsSinceOpen += 1
                    let attempt = event["attempt"] as? Int
                    #expect(attempt == attemptsSinceOpen, "session \(id): attempts count tries since the last open")
                    if let announced { #expect(attempt == announced, "session \(id): as reconnect_scheduled said") }
                    announced = nil
                case "reconnect_scheduled":
                    announced = event["attempt"] as? Int
                case "connect_failed":
                    failures += 1
                default:
                    break
                }
            }
            let last = events.last
            #expect(last?["event"] as? String == "stopped", "session \(id)")
            #expect(last?["reason"] as? String == "duration reached", "session \(id)")
        }
        #expect(opens > 25, "periodic-drop sessions reopened")
        #expect(failures >= 25, "every rejected session failed")
    }
}
