import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// Snapshots built by hand, at a fixed time, for rendering tests.
enum SnapshotFixture {
    /// 2026-12-01 12:00:00 UTC.
    static let now: Double = 1_796_126_400
    static let clock = ClockFormat(utcOffsetSeconds: 0)

    typealias Row = (summary: SessionSummary, texts: SessionTexts)

    static func session(
        _ id: Int,
        _ name: String,
        state: SessionState,
        url: String = "ws://127.0.0.1:8765/feed",
        uptime: Double? = nil,
        messagesIn: UInt64 = 0,
        messagesOut: UInt64 = 0,
        rateIn: Double = 0,
        closeCode: UInt16? = nil,
        closeReason: String = "",
        clean: Bool? = nil,
        reconnects: Int = 0,
        rtt: Double? = nil
    ) -> Row {
        var row = SessionSummary(id: id, state: state, stateSince: self.now - 5, connection: 1)
        row.openedAt = uptime.map { self.now - $0 }
        row.messagesIn = messagesIn
        row.messagesOut = messagesOut
        row.rates1s.messagesIn = rateIn
        row.lastCloseCode = closeCode
        row.lastCloseClean = clean
        row.reconnects = reconnects
        row.rtt = rtt
        return (row, SessionTexts(name: name, url: url, lastCloseReason: closeReason))
    }

    static let sessions: [Row] = [
        session(1, "trades", state: .open, uptime: 754, messagesIn: 12840, messagesOut: 3, rateIn: 17, rtt: 0.0123),
        session(2, "chat", state: .halfClosed, url: "ws://127.0.0.1:8765/half-close", uptime: 31, messagesIn: 20),
        session(
            3,
            "telemetry",
            state: .reconnecting,
            url: "wss://telemetry.example.com/ws",
            closeCode: 1006,
            clean: false,
            reconnects: 4
        ),
        session(
            4,
            "audit",
            state: .stopped,
            url: "ws://127.0.0.1:8765/echo",
            closeCode: 4000,
            closeReason: "bye",
            clean: true
        ),
    ]

    static func totals(for sessions: [Row]) -> Totals {
        var totals = Totals()
        for row in sessions { totals.sessionsByState[row.summary.state, default: 0] += 1 }
        totals.rates1s.messagesIn = 17
        totals.rates1s.bytesIn = 2210
        totals.rates1s.messagesOut = 0.2
        totals.rates1s.bytesOut = 30
        totals.reconnectsPerSecond = 0.4
        totals.closeCodes = [1006: 3, 4000: 1]
        totals.rejectionStatuses = [503: 2]
        let current = Int64(self.now)
        totals.history = (current - 60..<current).map {
            SecondSample(
                second: $0,
                messages: Int($0 % 20),
                bytes: Int($0 % 20) * 130,
                reconnects: $0 % 15 == 0 ? 2 : 0
            )
        }
        return totals
    }

    static func textFrame(
        _ text: String,
        _ direction: FrameRecord.Direction = .inbound,
        at offset: Double
    ) -> FrameLogEntry {
        FrameLogEntry(
            time: self.now + offset,
            connection: 1,
            record: FrameRecord(
                direction: direction,
                opcode: .text,
                fin: true,
                masked: direction == .outbound,
                length: UInt64(text.utf8.count),
                preview: PayloadPreview(text.utf8)
            )
        )
    }

    static func detail(
        for row: Row,
        frames: [FrameLogEntry] = [],
        messages: [MessageLogEntry] = []
    ) -> SessionDetail {
        SessionDetail(
            summary: row.summary,
            texts: row.texts,
            frames: frames,
            framesOverflowed: 0,
            frameLogCapacity: 500,
            request: nil,
            response: nil,
            closeTimelines: [],
            reconnectHistory: [],
            closeTimeout: 10,
            transportCloseGrace: 2,
            messages: messages,
            refusedCommands: []
        )
    }

    static func snapshot(_ sessions: [Row] = Self.sessions, detail: SessionDetail? = nil) -> MonitorSnapshot {
        MonitorSnapshot(
            time: self.now,
            sessions: sessions.map { ($0.summary, $0.texts) },
            totals: self.totals(for: sessions),
            detail: detail
        )
    }

    static func model(
        _ snapshot: MonitorSnapshot,
        width: Int = 80,
        height: Int = 24,
        themes: [String] = ["default", "light"]
    ) -> DashboardModel {
        var model = DashboardModel(snapshot: snapshot, width: width, height: height, themeNames: themes, themeIndex: 0)
        model.update(snapshot)
        return model
    }

    static func render(_ model: DashboardModel) -> CellGrid {
        DashboardView.render(model, clock: self.clock)
    }
}
