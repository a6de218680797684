import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// Keys change the model and ask for what the program must do.
@Suite("Keys")
struct KeyTests {
    static func model() -> DashboardModel {
        let detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[0], frames: RenderTests.frames)
        return SnapshotFixture.model(SnapshotFixture.snapshot(detail: detail))
    }

    static func type(_ text: String, into model: inout DashboardModel) {
        for character in text { _ = model.handle(.character(character)) }
    }

    @Test func arrowsAndVimKeysMoveTheSelectionWithinTheList() {
        var model = Self.model()
        #expect(model.selectedID == 1)
        _ = model.handle(.down)
        _ = model.handle(.character("j"))
        #expect(model.selectedID == 3)
        _ = model.handle(.character("k"))
        #expect(model.selectedID == 2)
        _ = model.handle(.character("G"))
        #expect(model.selectedID == 4)
        _ = model.handle(.down)
        #expect(model.selectedID == 4, "stays on the last row")
        _ = model.handle(.pageUp)
        #expect(model.selectedID == 1)
    }

    @Test func closeAsksForAValidCodeAndReason() {
        var model = Self.model()
        _ = model.handle(.down)
        _ = model.handle(.character("c"))
        for (typed, refusal) in [
            ("1005", "1005 is reserved for reporting"), ("1006 x", "1006 is reserved"), ("1015", "1015 is reserved"),
            ("999", "999 may not be sent"), ("abc", "abc is not a close code"),
            ("4000 " + String(repeating: "é", count: 62), "the reason is 124 bytes; at most 123"),
        ] {
            while !(model.prompt?.text.isEmpty ?? true) { _ = model.handle(.backspace) }
            Self.type(typed, into: &model)
            #expect(model.handle(.enter).isEmpty, "\(typed) refused")
            #expect(model.prompt?.error?.hasPrefix(refusal) == true, "\(typed): \(model.prompt?.error ?? "no error")")
        }
        while !(model.prompt?.text.isEmpty ?? true) { _ = model.handle(.backspace) }
        Self.type("4000 bye", into: &model)
        #expect(model.handle(.enter) == [.close(session: 2, code: CloseCode(4000), reason: "bye")])
        #expect(model.prompt == nil)
        #expect(model.tab == .close, "the inspector shows the close")
        _ = model.handle(.character("c"))
        #expect(model.handle(.enter) == [.close(session: 2, code: .normalClosure, reason: "")], "empty: 1000")
    }

    @Test func sendTakesTextOrHex() {
        var model = Self.model()
        _ = model.handle(.character("s"))
        Self.type("hello", into: &model)
        #expect(model.handle(.enter) == [.send(session: 1, .text("hello"))])
        _ = model.handle(.character("s"))
        Self.type("hex:0a 1b", into: &model)
        #expect(model.handle(.enter) == [.send(session: 1, .binary([0x0A, 0x1B]))])
        _ = model.handle(.character("s"))
        Self.type("hex:0g", into: &model)
        #expect(model.handle(.enter).isEmpty)
        #expect(model.prompt?.error?.contains("pairs of hex digits") == true)
        _ = model.handle(.escape)
        #expect(model.prompt == nil)
    }

    @Test func promptEditingMovesTheCursor() {
        var model = Self.model()
        _ = model.handle(.character("s"))
        Self.type("helo", into: &model)
        _ = model.handle(.left)
        Self.type("l", into: &model)
        _ = model.handle(.home)
        _ = model.handle(.delete)
        Self.type("H", into: &model)
        #expect(model.prompt?.text == "Hello")
    }

    @Test func pingReconnectAndDropGoToTheSelectedSession() {
        var model = Self.model()
        _ = model.handle(.down)
        #expect(model.handle(.character("p")) == [.ping(session: 2)])
        #expect(model.handle(.character("r")) == [.reconnect(session: 2)])
        #expect(model.handle(.character("x")) == [.drop(session: 2)])
    }

    @Test func quitIsGracefulThenForced() {
        var model = Self.model()
        #expect(model.handle(.character("q")) == [.quit])
        #expect(model.isQuitting)
        #expect(
            SnapshotFixture.render(model).lines[23].contains("closing every session… q or Ctrl-C again quits at once")
        )
        #expect(model.handle(.character("q")) == [.quit])
    }

    @Test func filterNarrowsTheTableAsYouType() {
        var model = Self.model()
        _ = model.handle(.character("/"))
        Self.type("tele", into: &model)
        #expect(model.list.rows.map(\.id) == [3])
        #expect(model.selectedID == 3, "the selection moves into the filtered rows")
        _ = model.handle(.enter)
        #expect(SnapshotFixture.render(model).lines[23].contains("filter tele (1 of 4)"))
        _ = model.handle(.character("/"))
        while !(model.prompt?.text.isEmpty ?? true) { _ = model.handle(.backspace) }
        Self.type("state:half", into: &model)
        #expect(model.list.rows.map(\.id) == [2])
        _ = model.handle(.escape)
        #expect(model.list.rows.count == 4, "escape clears the filter")
        _ = model.handle(.character("/"))
        Self.type("1006", into: &model)
        #expect(model.list.rows.map(\.id) == [3], "close codes match")
    }

    @Test func sortCyclesColumnsAndReverses() {
        var model = Self.model()
        _ = model.handle(.character("o"))
        #expect(
            model.list.rows.map { model.snapshot.texts(of: $0).name } == ["audit", "chat", "telemetry", "trades"],
            "by name"
        )
        #expect(model.selectedID == 4, "the first row of the new order, audit, is selected")
        _ = model.handle(.character("O"))
        #expect(model.list.rows.map { model.snapshot.texts(of: $0).name } == ["trades", "telemetry", "chat", "audit"])
        #expect(SnapshotFixture.render(model).lines[3].contains("Name▼"))
        #expect(model.selectedID == 1, "the top of the new order is selected")
    }

    @Test func tabEnterAndPauseChangeWhatTheDetailShows() {
        var model = Self.model()
        _ = model.handle(.tab)
        #expect(model.tab == .close)
        _ = model.handle(.backTab)
        _ = model.handle(.backTab)
        #expect(model.tab == .storm, "round from the first tab to the last")
        _ = model.handle(.tab)
        #expect(model.tab == .frames)
        _ = model.handle(.enter)
        #expect(model.focus == .detail)
        #expect(model.layout.tableRows.count == 3)
        _ = model.handle(.up)
        #expect(model.frameCursor == 1)
        _ = model.handle(.character(" "))
        #expect(model.frozenDetail != nil)
        var newer = SnapshotFixture.detail(
            for: SnapshotFixture.sessions[0],
            frames: RenderTests.frames + RenderTests.frames
        )
        newer.summary.messagesIn += 3
        model.update(SnapshotFixture.snapshot(detail: newer))
        #expect(model.frameLogDetail?.frames.count == 3, "paused: the log stays as it was")
        _ = model.handle(.character(" "))
        #expect(model.frameLogDetail?.frames.count == 6)
        _ = model.handle(.escape)
        #expect(model.focus == .table)
        #expect(model.frameCursor == nil, "back in the table the log follows the newest frame")
    }

    @Test func themesCycle() {
        var model = Self.model()
        _ = model.handle(.character("t"))
        #expect(model.themeIndex == 1)
        _ = model.handle(.character("t"))
        #expect(model.themeIndex == 0)
    }

    @Test func refusedCommandsAreShownOnce() {
        var model = Self.model()
        var detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[0])
        detail.refusedCommands = [RefusedCommand(time: SnapshotFixture.now, reason: "the connection is not open yet")]
        model.update(SnapshotFixture.snapshot(detail: detail))
        #expect(model.status?.text == "refused: the connection is not open yet")
        #expect(model.status?.isError == true)
        model.status = nil
        model.update(SnapshotFixture.snapshot(detail: detail))
        #expect(model.status == nil)
    }
}
