import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// Every screen tells one consistent story: the close inspector, the quit notice, the
/// reconnect history and a rejected handshake.
@Suite("A consistent story")
struct StoryTests {
    @Test func afterADropTheInspectorDoesNotSayOurCloseCameFirst() {
        var timeline = CloseTimeline(connection: 2, openedAt: SnapshotFixture.now - 4)
        timeline.steps = [CloseTimeline.Step(time: SnapshotFixture.now, kind: .transportClosed(byPeer: false))]
        timeline.summary = CloseSummary(
            initiator: .local,
            failure: .aborted(reason: "dropped by the user"),
            transportClosedBy: .local
        )
        let lines = CloseInspectorTests.render([timeline], state: .reconnecting)
        #expect(
            lines[1]
                == " Closed first by wsmon: it ended the connection without a Close frame (aborted: dropped by the user)"
        )
        #expect(!lines.joined().contains("our Close came first"))
        #expect(lines[3] == " We sent         no Close frame")
    }

    @Test func aCloseWithAnInvalidCodeIsShownAsReceivedAndRejected() {
        var timeline = CloseTimeline(connection: 1, openedAt: SnapshotFixture.now - 4)
        timeline.steps = [
            CloseTimeline.Step(
                time: SnapshotFixture.now - 1,
                kind: .violation(name: "invalid_close_code", detail: "Close frame with invalid code 1005 (§7.4)")
            ),
            CloseTimeline.Step(time: SnapshotFixture.now - 1, kind: .closeSent(code: 1002, reason: "")),
            CloseTimeline.Step(time: SnapshotFixture.now, kind: .transportClosed(byPeer: true)),
        ]
        var summary = CloseSummary(
            initiator: .failure,
            sent: CloseFrame(code: .protocolError),
            failure: .peerViolation(.invalidCloseCode(1005)),
            transportClosedBy: .peer
        )
        summary.closeTimeoutFiredIn = nil
        timeline.summary = summary
        let lines = CloseInspectorTests.render([timeline], state: .reconnecting)
        #expect(lines[4] == " We received     a Close frame, rejected: Close frame with invalid code 1005 (§7.4)")
        #expect(lines[2].contains("the server's Close frame was invalid (reported as 1006)"))
        #expect(!lines[2].contains("no Close frame arrived"))
    }

    @Test func theFirstCtrlCShowsTheSameNoticeAsQ() {
        var model = KeyTests.model()
        model.noteInterrupt()
        let footer = SnapshotFixture.render(model).lines[23]
        #expect(footer.contains("closing every session… q or Ctrl-C again quits at once"), "\(footer)")
        var pressed = KeyTests.model()
        #expect(pressed.handle(.character("q")) == [.quit])
        #expect(SnapshotFixture.render(pressed).lines[23].hasPrefix(String(footer.prefix(40))))
    }

    @Test func theReconnectHistoryShowsTheNewestFirst() {
        var detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[2])
        detail.reconnectHistory = (1...30).map { number in
            ReconnectEntry(time: SnapshotFixture.now - Double(30 - number), connection: number, kind: .attempt(1))
        }
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(detail: detail), width: 100, height: 30)
        model.selectedID = 3
        model.update(SnapshotFixture.snapshot(detail: detail))
        model.tab = .reconnects
        let lines = SnapshotFixture.render(model).lines
        let history = lines.firstIndex { $0.contains("History, newest first") }!
        #expect(lines[history + 1].contains("conn 30"), "\(lines[history + 1])")
        #expect(lines[history + 2].contains("conn 29"))
    }

    @Test func aRejectedHandshakeShowsItsBodyAndARedirectItsLocation() {
        var detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[0])
        detail.response = HeaderBlock(
            firstLine: "HTTP/1.1 401 Unauthorized",
            headers: [HTTPHeaders.Field(name: "Content-Type", value: "text/plain")],
            body: Array("missing bearer token: see docs\n".utf8)
        )
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(detail: detail), width: 100, height: 30)
        model.tab = .headers
        var text = SnapshotFixture.render(model).lines.joined(separator: "\n")
        #expect(text.contains("  Body (31 bytes)"))
        #expect(text.contains("   missing bearer token: see docs"))
        detail.response = HeaderBlock(
            firstLine: "HTTP/1.1 302 Found",
            headers: [HTTPHeaders.Field(name: "Location", value: "wss://elsewhere.example/ws")]
        )
        model.update(SnapshotFixture.snapshot(detail: detail))
        text = SnapshotFixture.render(model).lines.joined(separator: "\n")
        #expect(text.contains("  redirects to wss://elsewhere.example/ws"))
    }

    /// The session of `detail` selected and `tab` shown, at a size.
    static func screen(_ detail: SessionDetail, tab: DashboardModel.DetailTab, width: Int, height: Int) -> CellGrid {
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(detail: detail), width: width, height: height)
        model.tab = tab
        return SnapshotFixture.render(model)
    }

    @Test(arguments: Screens.sizes)
    func theStoryReadsTheSameAtEverySize(width: Int, height: Int) {
        var dropped = CloseTimeline(connection: 2, openedAt: SnapshotFixture.now - 4)
        dropped.steps = [CloseTimeline.Step(time: SnapshotFixture.now, kind: .transportClosed(byPeer: false))]
        dropped.summary = CloseSummary(
            initiator: .local,
            failure: .aborted(reason: "dropped by the user"),
            transportClosedBy: .local
        )
        var detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[0])
        detail.closeTimelines = [dropped]
        detail.response = HeaderBlock(
            firstLine: "HTTP/1.1 401 Unauthorized",
            headers: [HTTPHeaders.Field(name: "Content-Type", value: "text/plain")],
            body: Array("missing bearer token: see docs\n".utf8)
        )
        detail.reconnectHistory = [
            ReconnectEntry(time: SnapshotFixture.now - 9, connection: 1, kind: .attempt(1)),
            ReconnectEntry(
                time: SnapshotFixture.now - 8,
                connection: 1,
                kind: .failed(
                    name: "handshake_rejected",
                    detail: "HTTP 401 Unauthorized: missing bearer token",
                    status: 401
                )
            ),
            ReconnectEntry(
                time: SnapshotFixture.now - 8,
                connection: 1,
                kind: .scheduled(delay: 1, attempt: 1, retryAfter: nil)
            ),
            ReconnectEntry(time: SnapshotFixture.now - 6, connection: 2, kind: .opened(isReconnect: false)),
            ReconnectEntry(
                time: SnapshotFixture.now,
                connection: 2,
                kind: .closed(code: 1006, reason: "", clean: false)
            ),
        ]
        Screens.expect(
            Self.screen(detail, tab: .close, width: width, height: height),
            StoryScreens.dropped[width]!,
            "story-dropped-\(width)x\(height)"
        )
        Screens.expect(
            Self.screen(detail, tab: .headers, width: width, height: height),
            StoryScreens.rejected[width]!,
            "story-rejected-\(width)x\(height)"
        )
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(detail: detail), width: width, height: height)
        model.tab = .reconnects
        model.noteInterrupt()
        Screens.expect(SnapshotFixture.render(model), StoryScreens.history[width]!, "story-history-\(width)x\(height)")
    }

    @Test func aRejectionSaysItsBodyAndLocationInItsDescription() {
        let rejection = HandshakeRejection(
            statusCode: 503,
            reasonPhrase: "Service Unavailable",
            headers: HTTPHeaders([("Location", "/busy")]),
            retryAfter: .seconds(2),
            bodyPreview: Array("{\"error\":\"overloaded\"}\n".utf8),
            bodyTruncated: false
        )
        #expect(
            rejection.description
                == #"HTTP 503 Service Unavailable, Location /busy, Retry-After 2 s: {"error":"overloaded"}"#
        )
    }
}
