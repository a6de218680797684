import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// Snapshots drawn into an off-screen grid at fixed sizes and read back as text, the way
/// ratatui's `Buffer::with_lines` tests do; styles are checked cell by cell.
@Suite("Rendering a snapshot")
struct RenderTests {
    static let frames = [
        SnapshotFixture.textFrame(#"{"op":"subscribe","channel":"trades"}"#, .outbound, at: -3.5),
        SnapshotFixture.textFrame(#"{"price":101.25,"qty":3}"#, at: -2.25),
        SnapshotFixture.textFrame(#"{"price":101.5,"qty":1}"#, at: -1.125),
    ]

    static func standardModel(width: Int = 80, height: Int = 24) -> DashboardModel {
        let detail = SnapshotFixture.detail(for: SnapshotFixture.sessions[0], frames: Self.frames)
        return SnapshotFixture.model(SnapshotFixture.snapshot(detail: detail), width: width, height: height)
    }

    @Test func theWholeScreenAt80x24() {
        let grid = SnapshotFixture.render(Self.standardModel())
        Screens.expect(
            grid,
            [
                ##" wsmon  4 sessions  ◌0 ●1 ◑0 ◐1 ◒0 ↻1 ○1"##,
                ##" in 17 msg/s   reconnects 0.4/s   closes 1006×3 4000×1   rejected 503×2"##,
                ##" msg/s ▅▆▆▆▇▇▇███ peak 19  B/s ▇▇▇███ peak 2.5 KB/s  reconnects/s    peak 2.0"##,
                ##" #▲ Name      State               Up     In   In/s Last close                Rc"##,
                ##"  1 trades    ● open          12m34s    13k     17                            0"##,
                ##"  2 chat      ◐ half-closed    31.0s     20      0                            0"##,
                ##"  3 telemetry ↻ reconnecting       –      0      0 1006                       4"##,
                ##"  4 audit     ○ stopped            –      0      0 4000 bye                   0"##,
                ##""##,
                ##""##,
                ##""##,
                ##"─ Frames │ Close │ Headers │ Reconnects │ Storm │─────────── #1 trades  ● open ─"##,
                ##" time           opcode flags          size  preview"##,
                ##" 11:59:56.500 → text   FIN M          37 B  {"op":"subscribe","channel":"tra…"##,
                ##" 11:59:57.750 ← text   FIN            24 B  {"price":101.25,"qty":3}"##,
                ##" 11:59:58.875 ← text   FIN            23 B  {"price":101.5,"qty":1}"##,
                ##""##,
                ##""##,
                ##""##,
                ##""##,
                ##""##,
                ##""##,
                ##""##,
                ##" ↑↓ select  ⏎ detail  ⇥ tab  s send  c close  p ping  r reconnect       ? help"##,
            ],
            "standard-80x24"
        )
    }

    @Test func stylesFollowRolesAndTheSelection() {
        let grid = SnapshotFixture.render(Self.standardModel())
        func column(of text: String, row: Int) -> Int? {
            (0..<grid.width).first { grid.character(x: $0, y: row) == text }
        }
        let openSymbol = column(of: "●", row: 4)!
        #expect(grid.style(x: openSymbol, y: 4) == CellStyle(.stateOpen, selected: true), "row 1 is selected")
        let halfClosed = column(of: "◐", row: 5)!
        #expect(grid.style(x: halfClosed, y: 5) == CellStyle(.stateHalfClosed))
        #expect(grid.style(x: 79, y: 4).selected, "the selection spans the row")
        let code = column(of: "1", row: 6).map { _ in
            (0..<grid.width).first { grid.line(6).dropFirst($0).hasPrefix("1006") }
        }!!
        #expect(grid.style(x: code, y: 6) == CellStyle(.closeUnclean))
        let clean = (0..<grid.width).first { grid.line(7).dropFirst($0).hasPrefix("4000") }!
        #expect(grid.style(x: clean, y: 7) == CellStyle(.closeClean))
        #expect(grid.style(x: 2, y: 11) == CellStyle(.tabActive), "the Frames tab is shown")
        #expect(grid.style(x: 1, y: 12) == CellStyle(.tableHeader), "the frame log's column titles")
        #expect(grid.style(x: 14, y: 13) == CellStyle(.frameOut), "→ of an outbound frame")
        #expect(grid.style(x: 14, y: 14) == CellStyle(.frameIn), "← of an inbound frame")
        #expect(grid.style(x: 1, y: 23) == CellStyle(.key))
    }

    @Test func aWideTerminalShowsEveryColumnAndTheFullHeader() {
        let grid = SnapshotFixture.render(Self.standardModel(width: 160, height: 40))
        let header = grid.lines[3]
        for title in ["#", "Name", "URL", "State", "Up", "In", "Out", "In/s", "Out/s", "Last close", "Rc", "RTT"] {
            #expect(header.contains(title), "\(title)")
        }
        #expect(grid.lines[0].contains("◌0 connecting  ●1 open  ◑0 closing  ◐1 half-closed"))
        #expect(grid.lines[4].contains("ws://127.0.0.1:8765/feed"))
        #expect(grid.lines[4].contains("12ms"))
    }

    @Test func aLongTableDrawsOnlyTheRowsAroundTheSelection() {
        let sessions = (1...10_000).map {
            SnapshotFixture.session($0, "session \($0)", state: $0 % 7 == 0 ? .reconnecting : .open)
        }
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(sessions), width: 100, height: 30)
        _ = model.handle(.end)
        #expect(model.selectedID == 10_000)
        var grid = SnapshotFixture.render(model)
        let rows = model.layout.tableRows
        #expect(grid.lines[rows.upperBound - 1].hasPrefix(" 10000 session 10000"))
        #expect(grid.lines[rows.lowerBound].contains("session \(10_000 - rows.count + 1)"))
        for _ in 0..<(rows.count + 3) { _ = model.handle(.up) }
        grid = SnapshotFixture.render(model)
        #expect(model.selectedID == 10_000 - rows.count - 3)
        #expect(
            grid.lines[rows.lowerBound].contains("session \(10_000 - rows.count - 3) "),
            "scrolled with the selection"
        )
        _ = model.handle(.character("g"))
        #expect(SnapshotFixture.render(model).lines[rows.lowerBound].hasPrefix("     1 session 1 "))
    }

    @Test func wideCharactersTakeTwoCellsAndColumnsStayAligned() {
        let sessions = [
            SnapshotFixture.session(1, "plain", state: .open),
            SnapshotFixture.session(2, "日本語のセッション", state: .open),
            SnapshotFixture.session(3, "🚀🚀 launch", state: .open),
            SnapshotFixture.session(4, "mixed 漢字 and é", state: .open),
        ]
        let grid = SnapshotFixture.render(
            SnapshotFixture.model(SnapshotFixture.snapshot(sessions), width: 80, height: 24)
        )
        let stateColumns = (4...7).map { row in (0..<grid.width).first { grid.character(x: $0, y: row) == "●" } }
        #expect(Set(stateColumns).count == 1, "every state symbol in the same column: \(stateColumns)")
        #expect(grid.lines[5].contains("日本語のセッショ… ● open"), "cut before a wide character that does not fit")
        let start = (0..<grid.width).first { grid.character(x: $0, y: 5) == "日" }!
        #expect(grid.character(x: start + 1, y: 5) == "", "the right half of a wide character")
        #expect(grid.character(x: start + 2, y: 5) == "本")
        #expect(grid.lines[6].contains("🚀🚀 launch"))
    }

    @Test func aHostilePeerCannotDriveTheTerminal() {
        let hostile = "\u{1B}[2J\u{1B}]0;pwned\u{07}\u{9B}31m\u{202E}txt.exe\r\n"
        let row = SnapshotFixture.session(
            1,
            "evil\u{1B}[5m",
            state: .stopped,
            closeCode: 1000,
            closeReason: hostile,
            clean: true
        )
        let frame = SnapshotFixture.textFrame(hostile, at: -1)
        let message = MessageLogEntry(
            time: SnapshotFixture.now - 1,
            connection: 1,
            frameNumber: 0,
            content: .text(hostile),
            size: hostile.utf8.count,
            truncated: false
        )
        let detail = SnapshotFixture.detail(for: row, frames: [frame], messages: [message])
        var model = SnapshotFixture.model(SnapshotFixture.snapshot([row], detail: detail), width: 120, height: 30)
        _ = model.handle(.enter)
        let grid = SnapshotFixture.render(model)
        for cell in grid.cells {
            let scalar = cell.scalar
            #expect(!(scalar < 0x20 || (0x7F...0x9F).contains(scalar) || scalar == 0x202E), "raw control \(scalar)")
        }
        for cluster in grid.clusters {
            #expect(!cluster.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
        let text = grid.lines.joined(separator: "\n")
        #expect(text.contains(#"evil\e[5m"#))
        #expect(
            text.contains(#"\e[2J\e]0;pwned\a\x9B31m\u{202E}txt.exe\r\n"#),
            "the frame inspector shows every escape"
        )
        let escape = (0..<grid.width).first { grid.line(4).dropFirst($0).hasPrefix(#"\e[5m"#) }!
        #expect(grid.style(x: escape, y: 4).role == .escaped)
    }

    @Test func theHelpOverlayListsKeysStatesAndDrawingCost() {
        var model = Self.standardModel(width: 100, height: 40)
        model.drawStats.record(seconds: 0.0012)
        _ = model.handle(.character("?"))
        let top = SnapshotFixture.render(model).lines.joined(separator: "\n")
        for expected in ["wsmon help", "close with a code and reason", "drawing 1 frames, 1.2ms mean"] {
            #expect(top.contains(expected), "\(expected)")
        }
        _ = model.handle(.character("G"))
        let bottom = SnapshotFixture.render(model).lines.joined(separator: "\n")
        for expected in ["wsmon help", "◐ half-closed", "◒ awaiting-tcp", "the 60 s peak"] {
            #expect(bottom.contains(expected), "\(expected)")
        }
        _ = model.handle(.character("x"))
        #expect(!SnapshotFixture.render(model).lines.joined().contains("wsmon help"), "any key closes it")
    }

    @Test func aRefusedCloseShowsWhyAboveThePrompt() {
        var model = Self.standardModel()
        _ = model.handle(.character("c"))
        for character in "1006 x" { _ = model.handle(.character(character)) }
        #expect(model.handle(.enter).isEmpty)
        let lines = SnapshotFixture.render(model).lines
        #expect(lines[22].hasPrefix(" ✗ 1006 is reserved for reporting and is never sent; use 1000–1003"))
        #expect(lines[23].hasPrefix(" close code and reason [1000]: 1006 x"))
    }

    @Test func tinyTerminalsGetAMessageNotACrash() {
        for (width, height) in [(0, 0), (1, 1), (19, 5), (20, 6), (30, 8), (80, 10)] {
            let grid = SnapshotFixture.render(Self.standardModel(width: width, height: height))
            #expect(grid.width == width && grid.height == height)
        }
        #expect(SnapshotFixture.render(Self.standardModel(width: 19, height: 5)).lines[0].hasPrefix("wsmon needs"))
    }
}
