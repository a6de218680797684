import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// What the dashboard shows of handshake timings and stale feeds.
@Suite("Handshake timings and stale feeds on screen")
struct FleetViewTests {
    @Test func theHeadersTabEndsWithAnHttpstatLikeTimingLine() {
        let row = SnapshotFixture.session(1, "feed", state: .open)
        var detail = SnapshotFixture.detail(for: row)
        detail.handshakePhases = HandshakePhases([
            .init(.dns, .microseconds(1200)), .init(.tcp, .microseconds(400)), .init(.tls, .milliseconds(6)),
            .init(.upgrade, .microseconds(2100)),
        ])
        let lines = HeadersTab.lines(detail).map { $0.map(\.text).joined() }
        #expect(lines.suffix(2) == ["Timing", "  DNS 1.2ms │ TCP 0.4ms │ TLS 6.0ms │ Upgrade 2.1ms │ total 9.7ms"])
    }

    @Test func aStaleRowShowsWhatItsPingsSayAndTheHeaderCountsIt() {
        var quiet = SnapshotFixture.session(1, "quiet-feed", state: .open)
        quiet.summary.stale = .answered
        var gone = SnapshotFixture.session(2, "gone-feed", state: .open)
        gone.summary.stale = .unanswered
        let flowing = SnapshotFixture.session(3, "live-feed", state: .open)
        var snapshot = SnapshotFixture.snapshot([quiet, gone, flowing])
        snapshot.totals.staleSessions = 2
        let screen = SnapshotFixture.render(SnapshotFixture.model(snapshot, width: 120, height: 24)).lines
        #expect(screen[0].contains("◔2"), "\(screen[0])")
        #expect(screen.contains { $0.contains("quiet-feed") && $0.contains("◔ quiet") })
        #expect(screen.contains { $0.contains("gone-feed") && $0.contains("◔ half-open") })
        #expect(screen.contains { $0.contains("live-feed") && $0.contains("● open") })
        #expect(StateLabel.symbolAndName(quiet.summary).1 == .stateStale)
    }
}
