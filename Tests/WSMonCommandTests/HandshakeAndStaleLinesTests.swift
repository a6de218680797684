import Foundation
import Testing
import WSMonLab
import WSMonTestSupport

/// The JSON Lines of handshake phases and stale feeds, from the real binary.
@Suite("wsmon --headless: phases and stale feeds")
struct HandshakeAndStaleLinesTests {
    @Test("open and connect_failed lines carry the phases, summing to handshake_ms")
    func phasesInLines() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let result = try await WSMonProcess.run([
            "--headless", "--no-reconnect", "--close-after", "500ms",
            "ws://localhost:\(lab.port)/echo", refusing.url("/"),
        ])
        let open = try #require(result.events("open").first)
        let phases = ["dns_ms", "tcp_ms", "upgrade_ms"].map { open[$0] as? Double }
        #expect(phases.allSatisfy { ($0 ?? -1) >= 0 }, "\(open)")
        #expect(open["tls_ms"] == nil, "no TLS on ws://")
        let total = try #require(open["handshake_ms"] as? Double)
        #expect(abs(phases.compactMap { $0 }.reduce(0, +) - total) < 0.01)
        let failed = try #require(result.events("connect_failed").first)
        #expect(failed["error"] as? String == "connection_refused")
        #expect(failed["failed_phase"] as? String == "tcp")
        #expect(failed["dns_ms"] == nil, "an IP literal is not resolved")
        #expect((failed["tcp_ms"] as? Double).map { $0 >= 0 } == true)
    }

    @Test("a silent feed is stale once, fresh when a message comes, and the pings tell which silence")
    func staleAndFreshLines() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let result = try await WSMonProcess.run([
            "--headless", "--no-reconnect", "--duration", "2500ms", "--stale-after", "300ms",
            "--ping-interval", "100ms", "--interval-message", "hi", "--interval", "1s",
            lab.url("/echo"), lab.url("/silent?pongs=0"),
        ])
        func lines(_ event: String, _ path: String) -> [[String: Any]] {
            result.events(event).filter { ($0["name"] as? String)?.contains(path) == true }
        }
        // The echo answers each interval message: stale and fresh take turns.
        let echoStale = lines("stale", "/echo")
        let echoFresh = lines("fresh", "/echo")
        #expect(echoStale.count >= 2 && echoFresh.count >= 1, "\(result.stdout)")
        #expect(echoStale.count - echoFresh.count <= 1)
        #expect(echoStale.allSatisfy { $0["pings"] as? String == "answered" }, "\(echoStale)")
        #expect(echoStale.allSatisfy { ($0["silent_ms"] as? Double ?? 0) >= 300 })
        // The silent one that never answers: one stale line, half-open, and nothing fresh.
        let silent = lines("stale", "/silent")
        #expect(silent.count == 1)
        #expect(silent.first?["pings"] as? String == "unanswered")
        #expect(lines("fresh", "/silent").isEmpty)
    }
}
