import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// The close inspector answers the questions people ask about a close handshake.
@Suite("Close inspector")
struct CloseInspectorTests {
    static let now = SnapshotFixture.now

    static func render(_ timelines: [CloseTimeline], state: SessionState, back: Int = 0) -> [String] {
        let row = SnapshotFixture.session(1, "chat", state: state)
        var detail = SnapshotFixture.detail(for: row)
        detail.closeTimelines = timelines
        var model = SnapshotFixture.model(SnapshotFixture.snapshot([row], detail: detail), width: 150, height: 40)
        model.tab = .close
        model.timelineBack = back
        _ = model.handle(.enter)
        let rows = model.layout.detailRows
        return Array(SnapshotFixture.render(model).lines[rows])
    }

    static func step(_ offset: Double, _ kind: CloseTimeline.Kind) -> CloseTimeline.Step {
        CloseTimeline.Step(time: Self.now + offset, kind: kind)
    }

    @Test func aHalfClosedHandshakeCountsDownToTheCloseTimeout() {
        var timeline = CloseTimeline(connection: 3, openedAt: Self.now - 60)
        timeline.steps = [
            Self.step(-4, .closeReceived(code: 1001, reason: "going away")),
            Self.step(-4, .entered(.halfClosed)),
        ]
        let lines = Self.render([timeline], state: .halfClosed)
        #expect(lines[0] == " Connection 3  opened 11:59:00.000 · open for 1m00s")
        #expect(lines[1] == " Closed first by the server: its Close came first")
        #expect(
            lines[2]
                == " Verdict         in progress: half-closed ⏱ close timeout in 6.0s (10.0s from the first step; then TCP is torn down)"
        )
        #expect(lines[3] == " We sent         no Close frame")
        #expect(lines[4] == " We received     1001 going away “going away”")
        #expect(lines[7] == "   11:59:56.000 +0.000s  ← Close received  1001 going away “going away”")
        #expect(lines[8] == "   11:59:56.000 +0.000s  ◐ half-closed  the server sent Close; ours is not sent yet")
    }

    @Test func aFinishedUncleanHandshakeSaysWhatWentWrong() {
        var timeline = CloseTimeline(connection: 2, openedAt: Self.now - 10)
        timeline.steps = [
            Self.step(-5, .closeSent(code: 4000, reason: "bye")),
            Self.step(-5, .entered(.closing)),
            Self.step(
                -4.5,
                .violation(name: "second_close_frame", detail: "second Close frame after the first (§5.5.1)")
            ),
            Self.step(0, .closeTimeoutFired(in: "closing")),
            Self.step(0, .transportClosed(byPeer: false)),
        ]
        var summary = CloseSummary(
            initiator: .local,
            sent: CloseFrame(code: CloseCode(4000), reason: "bye"),
            transportClosedBy: .local
        )
        summary.closeTimeoutFiredIn = .closing
        timeline.summary = summary
        let lines = Self.render([timeline], state: .reconnecting)
        #expect(lines[0] == " Connection 2  opened 11:59:50.000 · lasted 10.0s")
        #expect(lines[1] == " Closed first by wsmon: our Close came first")
        #expect(
            lines[2]
                == " Verdict         unclean: the close timeout fired in closing; no Close frame arrived (1006); 1 violation"
        )
        #expect(lines[3] == " We sent         4000 application “bye”")
        #expect(lines[4] == " We received     no Close frame")
        #expect(lines[5] == " Close code      1006 (abnormal closure)")
        #expect(lines[6] == " TCP closed by   wsmon")
        #expect(lines[9] == "   11:59:55.000 +0.000s  → Close sent      4000 application “bye”")
        #expect(
            lines[11]
                == "   11:59:55.500 +0.500s  ✗ second_close_frame second Close frame after the first (§5.5.1)   (500ms after the previous step)"
        )
        #expect(
            lines[12] == "   12:00:00.000 +5.000s  ⏱ close timeout fired in closing   (4.5s after the previous step)"
        )
        #expect(lines[13] == "   12:00:00.000 +5.000s  ✂ TCP closed by wsmon")
    }

    @Test func olderHandshakesAreAKeyAway() {
        var first = CloseTimeline(connection: 1, openedAt: Self.now - 100)
        first.steps = [Self.step(-90, .transportClosed(byPeer: true))]
        first.summary = CloseSummary(initiator: .transport, transportClosedBy: .peer)
        var second = CloseTimeline(connection: 2, openedAt: Self.now - 50)
        second.steps = [Self.step(-40, .closeReceived(code: nil, reason: ""))]
        #expect(Self.render([first, second], state: .halfClosed)[0].contains("Connection 2"))
        #expect(
            Self.render([first, second], state: .halfClosed)[4]
                == " We received     Close with no code (reported as 1005)"
        )
        let older = Self.render([first, second], state: .halfClosed, back: 1)
        #expect(older[0].hasPrefix(" Connection 1  opened 11:58:20.000 · lasted 10.0s   handshake 1 of 2"))
        #expect(older[1] == " Closed first by nobody: TCP ended without a Close frame")
        #expect(older[6] == " TCP closed by   the server")
    }

    @Test func noHandshakeYetSaysWhenItWillAppear() {
        let lines = Self.render([], state: .open)
        #expect(lines[0] == " No close handshake yet.")
    }
}
