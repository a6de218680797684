import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// The frame log read like a log viewer, and whole messages in and out.
@Suite("Reading frames and messages")
struct FrameReadingTests {
    /// 70,000 bytes on one line: "000000,000001,…", so every position can be checked.
    static let longText = (0..<10_000).map { number in
        let digits = String(number)
        return String(repeating: "0", count: 6 - digits.count) + digits + ","
    }.joined()

    static func longMessageDetail() -> SessionDetail {
        let frames = [
            SnapshotFixture.textFrame(#"{"op":"subscribe"}"#, .outbound, at: -3),
            Screens.frame(
                .text,
                length: Self.longText.utf8.count,
                preview: Array(Self.longText.utf8.prefix(32)),
                at: -2
            ),
        ]
        return SnapshotFixture.detail(
            for: SnapshotFixture.sessions[0],
            frames: frames,
            messages: [Screens.message(Self.longText, frame: 1, at: -2)]
        )
    }

    @Test(arguments: Screens.sizes)
    func aSeventyThousandByteLineIsWrappedAndScrolled(width: Int, height: Int) {
        var model = Screens.focusedFrames(Self.longMessageDetail(), width: width, height: height)
        var grid = SnapshotFixture.render(model)
        let lineWidth = width - 2
        let firstBody = grid.lines.firstIndex { $0.contains("┄ frame 2 ") }! + 1
        #expect(grid.lines[firstBody] == " " + Self.longText.prefix(lineWidth))
        #expect(grid.lines[firstBody + 1] == " " + Self.longText.dropFirst(lineWidth).prefix(lineWidth))
        let lines = (70_000 + lineWidth - 1) / lineWidth
        #expect(grid.lines.contains { $0.contains("of \(lines)") }, "the whole message is there, wrapped")
        Screens.expect(grid, FrameScreens.longMessage[width]!, "long-message-\(width)x\(height)")

        for _ in 0..<3 { _ = model.handle(.pageDown) }
        grid = SnapshotFixture.render(model)
        let page = model.layout.detailRows.count - 1
        let offset = 3 * page * lineWidth
        #expect(grid.lines[firstBody] == " " + Self.longText.dropFirst(offset).prefix(lineWidth), "three pages down")
        _ = model.handle(.character("W"))
        _ = model.handle(.right)
        grid = SnapshotFixture.render(model)
        let sideways = max(8, width / 2)
        #expect(
            grid.lines[firstBody] == " ‹" + Self.longText.dropFirst(sideways).prefix(lineWidth - 2) + "›",
            "cut, then scrolled sideways"
        )
        Screens.expect(grid, FrameScreens.longMessageScrolled[width]!, "long-message-scrolled-\(width)x\(height)")
        _ = model.handle(.end)
        #expect(model.frameCursor == nil, "G follows the newest frame again")
    }

    @Test(arguments: Screens.sizes)
    func aSentMessageIsShownWhole(width: Int, height: Int) {
        let sent = #"{"op":"subscribe","args":["trades","book"]}"#
        let detail = SnapshotFixture.detail(
            for: SnapshotFixture.sessions[0],
            frames: [SnapshotFixture.textFrame(sent, .outbound, at: -1)],
            messages: [Screens.message(sent, frame: 0, .outbound, at: -1)]
        )
        let grid = SnapshotFixture.render(Screens.focusedFrames(detail, width: width, height: height))
        let text = grid.lines.joined(separator: "\n")
        #expect(text.contains(" sent 11:59:59.000 "))
        #expect(grid.lines.contains(" " + sent), "the whole 43 bytes, not the first 32")
        #expect(!text.contains("the first 32"))
        Screens.expect(grid, FrameScreens.sentMessage[width]!, "sent-message-\(width)x\(height)")
    }

    static func tickerDetail() -> SessionDetail {
        var frames: [FrameLogEntry] = []
        var messages: [MessageLogEntry] = []
        let symbols = ["BTC", "ETH", "SOL", "ETH", "BTC", "ETH"]
        for (index, symbol) in symbols.enumerated() {
            let tick = #"{"type":"tick","symbol":"\#(symbol)-USD","bid":\#(100 + index)}"#
            frames.append(SnapshotFixture.textFrame(tick, at: Double(index) - 10))
            messages.append(Screens.message(tick, frame: frames.count - 1, at: Double(index) - 10))
            frames.append(Screens.frame(.ping, length: 4, preview: [1, 2, 3, 4], at: Double(index) - 9.5))
            frames.append(Screens.frame(.pong, .outbound, length: 4, preview: [1, 2, 3, 4], at: Double(index) - 9.5))
        }
        return SnapshotFixture.detail(for: SnapshotFixture.sessions[0], frames: frames, messages: messages)
    }

    @Test(arguments: Screens.sizes)
    func slashSearchesTheFramesAndNMovesBetweenMatches(width: Int, height: Int) {
        var model = Screens.focusedFrames(Self.tickerDetail(), width: width, height: height)
        _ = model.handle(.character("/"))
        for character in "eth" { _ = model.handle(.character(character)) }
        _ = model.handle(.enter)
        #expect(model.filter.isEmpty, "it searched frames, it did not filter sessions")
        #expect(model.frameCursor == 15, "the newest match")
        #expect(model.status?.text == "match 3 of 3 for “eth”")
        _ = model.handle(.character("n"))
        #expect(model.frameCursor == 3, "n wraps to the first match")
        _ = model.handle(.character("n"))
        #expect(model.frameCursor == 9)
        _ = model.handle(.character("N"))
        #expect(model.frameCursor == 3)
        let grid = SnapshotFixture.render(model)
        #expect(grid.lines[model.layout.tabBarRow].contains("Frames (/eth)"))
        Screens.expect(grid, FrameScreens.search[width]!, "search-\(width)x\(height)")
    }

    @Test(arguments: Screens.sizes)
    func pingsHideAndDirectionsFilterWithOneKeyEach(width: Int, height: Int) {
        var model = Screens.focusedFrames(Self.tickerDetail(), width: width, height: height)
        _ = model.handle(.character("h"))
        var grid = SnapshotFixture.render(model)
        let log = grid.lines[model.layout.detailRows].joined(separator: "\n")
        #expect(!log.contains("ping") && !log.contains("pong"), "\(log)")
        #expect(grid.lines[model.layout.tabBarRow].contains("Frames (no ping/pong/close)"))
        Screens.expect(grid, FrameScreens.hiddenPings[width]!, "hidden-pings-\(width)x\(height)")
        _ = model.handle(.character("h"))
        _ = model.handle(.character("d"))
        _ = model.handle(.character("d"))
        grid = SnapshotFixture.render(model)
        #expect(grid.lines[model.layout.tabBarRow].contains("Frames (→ only)"))
        let sentOnly = grid.lines[model.layout.detailRows].filter { $0.contains(" ← ") }
        #expect(sentOnly.isEmpty, "received frames hidden: \(sentOnly)")
    }

    static func reconnectedDetail() -> SessionDetail {
        var frames = [
            SnapshotFixture.textFrame("hello", at: -9),
            SnapshotFixture.textFrame("world", at: -8),
        ]
        var second = SnapshotFixture.textFrame("welcome back", at: -2)
        second.connection = 2
        frames.append(second)
        var first = CloseTimeline(connection: 1, openedAt: SnapshotFixture.now - 20)
        first.steps = [CloseTimeline.Step(time: SnapshotFixture.now - 5, kind: .transportClosed(byPeer: false))]
        first.summary = CloseSummary(
            initiator: .local,
            failure: .aborted(reason: "dropped by the user"),
            transportClosedBy: .local
        )
        var detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[0], frames: frames)
        detail.closeTimelines = [first]
        detail.framesOverflowed = 9502
        return detail
    }

    @Test(arguments: Screens.sizes)
    func aConnectionEndIsALineOfItsOwnAndSoIsTheDroppedNote(width: Int, height: Int) {
        let model = SnapshotFixture.model(
            SnapshotFixture.snapshot(detail: Self.reconnectedDetail()),
            width: width,
            height: height
        )
        let grid = SnapshotFixture.render(model)
        let log = Array(grid.lines[model.layout.detailRows])
        #expect(log[0].hasPrefix(" time          ") && log[0].contains("opcode") && log[0].contains("preview"))
        #expect(log[1] == "   9502 older frames dropped (the log keeps the last 500)")
        #expect(log[4].hasPrefix(" ┄┄ connection 1 ended: 1006 (aborted: dropped by the user) ┄┄ connection 2 ┄┄"))
        #expect(log[5].contains("welcome back"))
        Screens.expect(grid, FrameScreens.separator[width]!, "separator-\(width)x\(height)")
    }

    @Test func searchIgnoresCaseWithoutCopyingTheText() {
        #expect(FrameLogView.text(#"{"symbol":"ETH-USD"}"#, contains: "eth-usd"))
        #expect(!FrameLogView.text("BTC", contains: "eth"))
        #expect(FrameLogView.text("Grüße aus KÖLN", contains: "köln"), "a non-ASCII search lowercases both")
        #expect(FrameLogView.text(Self.longText, contains: "009999,"), "the end of 70,000 bytes")
        #expect(!FrameLogView.text("ab", contains: "abc"))
    }

    @Test func whileNotFollowingTheLogSaysHowManyFramesAreNew() {
        var detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[0], frames: RenderTests.frames)
        var model = Screens.focusedFrames(detail, width: 100, height: 30)
        _ = model.handle(.up)
        #expect(model.frameCursor == 1)
        detail.frames += [SnapshotFixture.textFrame("a", at: 0), SnapshotFixture.textFrame("b", at: 0.1)]
        model.update(SnapshotFixture.snapshot(detail: detail))
        let text = SnapshotFixture.render(model).lines.joined(separator: "\n")
        #expect(text.contains("↓ 2 new below · G follows"))
        _ = model.handle(.character("G"))
        #expect(!SnapshotFixture.render(model).lines.joined().contains("new below"))
    }

    @Test func aFrameRejectedForAViolationSaysSo() {
        var frame = Screens.frame(.text, length: 4, at: -1)
        frame.record.rsv = 3
        frame.rejected = true
        var detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[0], frames: [frame])
        var timeline = CloseTimeline(connection: 1, openedAt: SnapshotFixture.now - 10)
        timeline.steps = [
            CloseTimeline.Step(
                time: SnapshotFixture.now - 1,
                kind: .violation(
                    name: "reserved_bits_set",
                    detail: "reserved bits 3 set without a negotiated extension (§5.2)"
                )
            )
        ]
        detail.closeTimelines = [timeline]
        let text = SnapshotFixture.render(Screens.focusedFrames(detail, width: 120, height: 30)).lines
            .joined(separator: "\n")
        #expect(text.contains("✗ rejected: reserved bits 3 set without a negotiated extension (§5.2)"))
        #expect(text.contains("its payload (4 bytes) was not read"))
        #expect(!text.contains("from when a session is selected"))
    }

    @Test func previewsUseThePaneWidthAndKeepTheirLastWholeCharacter() {
        let text = #"{"type":"tick","seq":112,"symbol":"BTC-USD","bid":60006.43,"ask":60014.6,"book":[[1,2],[3,4]]}"#
        let detail = SnapshotFixture.detail(
            for: SnapshotFixture.sessions[0],
            frames: [SnapshotFixture.textFrame(text, at: -1)],
            messages: [Screens.message(text, frame: 0, at: -1)]
        )
        let grid = SnapshotFixture.render(
            SnapshotFixture.model(SnapshotFixture.snapshot(detail: detail), width: 200, height: 40)
        )
        #expect(grid.lines.contains { $0.hasSuffix(text) }, "the whole tick at 200 columns")
        #expect(FrameLogTab.text(Array("日本語".utf8)[...]) == "日本語", "a complete last character stays")
        #expect(FrameLogTab.text(Array("日本語".utf8).dropLast()) == "日本", "a cut one goes")
    }
}
