import Testing

@testable import WSMonDashboard
@testable import WSMonMonitor

/// The Storm tab as `wsmon report` prints it: causes grouped with counts and a hint, the
/// herding warning with its window and share, failures grouped by reason and status.
@Suite("Storm tab")
struct StormTabTests {
    static func totals() -> Totals {
        var storm = StormStats()
        let start = SnapshotFixture.now.rounded(.down) - 30
        for second in 0..<20 {
            storm.timeline[Int64(start) + Int64(second)] = StormStats.Bucket(attempts: second == 10 ? 200 : 5, opens: 4)
        }
        // A wave of 180 retries inside 30 ms, 20 more spread around it.
        storm.retryHundredths[Int64(start * 100) + 1000] = 120
        storm.retryHundredths[Int64(start * 100) + 1003] = 60
        for spread in 0..<20 { storm.retryHundredths[Int64(start * 100) + 960 + Int64(spread) * 4, default: 0] += 1 }
        let eof = StormStats.CauseKey(cause: .eofWithoutClose, code: 1006)
        storm.causes[eof] = StormStats.CauseGroup(count: 312, silences: [60: 300, 3: 12])
        storm.causes[StormStats.CauseKey(cause: .peerClose, code: 1001)] = StormStats.CauseGroup(count: 20)
        var totals = Totals()
        totals.storm = storm
        totals.rejectionStatuses = [503: 40]
        totals.failures = [.refused: 66]
        return totals
    }

    @Test func causesHerdingAndFailuresReadAsSentences() {
        let text = StormTab.text(Self.totals().stormView)
        #expect(
            text.contains(
                "  312× 1006 transport closed by peer without Close · 300 silent for 60 s before the cut: an idle timeout of 60 s in a proxy or load balancer?"
            ),
            "\(text)"
        )
        #expect(
            text.contains("   20× peer Close 1001 going away · the server went away (restart or deploy?)"),
            "\(text)"
        )
        #expect(text.contains("⚠ synchronised retries: "), "\(text)")
        #expect(text.contains("landed in its 100 ms: clients retry in step (no jitter?)"), "\(text)")
        let herding = Self.totals().storm.herding()
        #expect((herding?.attempts ?? 0) >= 180 && (herding?.share ?? 0) > 0.8, "\(String(describing: herding))")
        #expect(text.contains("   66× refused"), "\(text)")
        #expect(text.contains("   40× HTTP 503 · the server sheds load: many clients retrying at once?"), "\(text)")
        #expect(text.contains("295 attempts, 80 opens"), "\(text)")
    }

    @Test func spreadRetriesRaiseNoWarning() {
        var storm = StormStats()
        for index in 0..<400 { storm.retryHundredths[Int64(index) * 5, default: 0] += 1 }
        #expect(storm.herding() == nil)
    }

    @Test func theStormTabIsATabOfTheDashboard() {
        let snapshot = MonitorSnapshot(
            time: SnapshotFixture.now,
            sessions: SnapshotFixture.sessions.map { ($0.summary, $0.texts) },
            totals: Self.totals(),
            detail: nil
        )
        var model = SnapshotFixture.model(snapshot, width: 120, height: 60)
        model.tab = .storm
        let lines = SnapshotFixture.render(model).lines
        #expect(lines.contains { $0.contains("─ Frames │ Close │ Headers │ Reconnects │ Storm │") })
        #expect(
            lines.contains { $0.contains("312× 1006 transport closed by peer without Close") },
            "\(lines.joined(separator: "\n"))"
        )
    }

    /// With a filter the tab is the filtered sessions' storm: 10 refused attempts of
    /// "telemetry", not the 66 and 40 of the totals.
    @Test func aFilterNarrowsTheStormToItsSessions() {
        var rows = SnapshotFixture.sessions
        for index in rows.indices where rows[index].texts.name == "telemetry" {
            for attempt in 0..<10 {
                var tally = EventTally()
                tally.attempt = true
                tally.failure = .refused
                rows[index].summary.storm.record(tally, at: SnapshotFixture.now - 100 + Double(attempt) * 10)
            }
        }
        let snapshot = MonitorSnapshot(
            time: SnapshotFixture.now,
            sessions: rows.map { ($0.summary, $0.texts) },
            totals: Self.totals(),
            detail: nil
        )
        var model = SnapshotFixture.model(snapshot, width: 120, height: 60)
        model.tab = .storm
        #expect(SnapshotFixture.render(model).lines.contains { $0.contains("   66× refused") })
        model.setFilter("telemetry")
        let lines = SnapshotFixture.render(model).lines
        let screen = lines.joined(separator: "\n")
        #expect(lines.contains { $0.contains("The 1 filtered session alone") }, "\(screen)")
        #expect(lines.contains { $0.contains("10 attempts, 0 opens") }, "\(screen)")
        #expect(lines.contains { $0.contains("   10× refused") }, "\(screen)")
        #expect(!lines.contains { $0.contains("312×") }, "\(screen)")
        #expect(lines.contains { $0.contains("(averaged over 2 s)") }, "90 s in 64 buckets: \(screen)")
    }
}
