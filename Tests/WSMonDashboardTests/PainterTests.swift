import Testing

@testable import WSMonDashboard

/// Records what the painter sends, as a terminal would receive it.
final class RecordingScreen: TerminalScreen {
    struct Write: Hashable {
        var row: Int
        var column: Int
        var text: String
        var style: Int
    }

    var writes: [Write] = []
    var clears = 0
    var presents = 0

    func write(row: Int, column: Int, scalars: [UInt32], style: Int) {
        let text = String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init)))
        self.writes.append(Write(row: row, column: column, text: text, style: style))
    }

    func clearScreen() { self.clears += 1 }
    func present() { self.presents += 1 }
}

@Suite("Painting only what changed")
struct PainterTests {
    static func grid(_ lines: [String], width: Int = 12) -> CellGrid {
        var grid = CellGrid(width: width, height: lines.count)
        for (y, line) in lines.enumerated() { grid.put(line, x: 0, y: y, style: CellStyle(.text)) }
        return grid
    }

    @Test func aFillAcrossHalfAWideCharacterLeavesNoHalfGlyph() {
        var grid = CellGrid(width: 8, height: 1)
        grid.put("日本語", x: 0, y: 0, style: CellStyle(.text))
        grid.fill(x: 1, y: 0, width: 2, style: CellStyle(.border))
        #expect(grid.lines == ["    語"], "日 and 本, each cut by an edge, are gone whole")
        for x in 0..<grid.width where grid[x, 0].scalar == CellGrid.Cell.continuation {
            #expect(x > 0 && DisplayWidth.of(Character(grid.character(x: x - 1, y: 0))) == 2, "an orphan half at \(x)")
            #expect(grid[x, 0].style == grid[x - 1, 0].style)
        }
        #expect(grid.character(x: 0, y: 0) == " ", "日's left half went with its right half")
        #expect(grid.character(x: 3, y: 0) == " ", "本's right half went with its left half")
        grid.fill(x: 5, y: 0, width: 3, style: CellStyle(.title))
        #expect(grid.lines == [""], "語's left half went with its right half")
        var painter = ScreenPainter()
        let screen = RecordingScreen()
        painter.paint(grid, on: screen)
        #expect(screen.writes.map(\.text).joined().count == 8, "every cell drawn once")
    }

    @Test func theFirstFrameIsDrawnInFullAndAnUnchangedOneNotAtAll() {
        var painter = ScreenPainter()
        let screen = RecordingScreen()
        let grid = Self.grid(["hello", "world"])
        painter.paint(grid, on: screen)
        #expect(screen.clears == 1)
        #expect(screen.writes.map(\.text) == ["hello       ", "world       "])
        screen.writes = []
        painter.paint(grid, on: screen)
        #expect(screen.writes.isEmpty)
        #expect(screen.presents == 2)
    }

    @Test func oneChangedCellIsOneWrite() {
        var painter = ScreenPainter()
        let screen = RecordingScreen()
        painter.paint(Self.grid(["hello", "world"]), on: screen)
        screen.writes = []
        painter.paint(Self.grid(["hello", "wOrld"]), on: screen)
        #expect(screen.writes == [RecordingScreen.Write(row: 1, column: 1, text: "O", style: CellStyle(.text).index)])
    }

    @Test func aStyleChangeAloneIsRedrawn() {
        var painter = ScreenPainter()
        let screen = RecordingScreen()
        var grid = Self.grid(["abc"])
        painter.paint(grid, on: screen)
        screen.writes = []
        grid.put("b", x: 1, y: 0, style: CellStyle(.error))
        painter.paint(grid, on: screen)
        #expect(screen.writes == [RecordingScreen.Write(row: 0, column: 1, text: "b", style: CellStyle(.error).index)])
    }

    @Test func wideCharactersAreSentOnceAndRedrawnFromTheirLeftHalf() {
        var painter = ScreenPainter()
        let screen = RecordingScreen()
        painter.paint(Self.grid(["a漢b"]), on: screen)
        #expect(screen.writes.first?.text == "a漢b        ", "11 scalars for 12 cells")
        screen.writes = []
        painter.paint(Self.grid(["a字b"]), on: screen)
        #expect(screen.writes == [RecordingScreen.Write(row: 0, column: 1, text: "字", style: CellStyle(.text).index)])
        screen.writes = []
        var grid = Self.grid(["a字b"])
        grid.put("x", x: 2, y: 0, style: CellStyle(.text))
        painter.paint(grid, on: screen)
        #expect(screen.writes.map(\.text) == [" x"], "overwriting a right half blanks the left one")
    }

    @Test func emojiSequencesAreSentAsTheirFirstEmojiAndCombiningMarksKept() {
        var painter = ScreenPainter()
        let screen = RecordingScreen()
        painter.paint(Self.grid(["👩‍💻e\u{301}"]), on: screen)
        let sent = screen.writes.first!.text.unicodeScalars.map(\.value)
        #expect(Array(sent.prefix(3)) == [0x1F469, 0x65, 0x301])
    }

    @Test func aResizeRepaintsEverything() {
        var painter = ScreenPainter()
        let screen = RecordingScreen()
        painter.paint(Self.grid(["hello"]), on: screen)
        painter.paint(Self.grid(["hello"], width: 20), on: screen)
        #expect(screen.clears == 2)
        #expect(screen.writes.last?.text.count == 20)
    }
}

@Suite("The grid never holds a control character")
struct GridSafetyTests {
    @Test func controlCharactersThatSkipSafeTextBecomeReplacementCharacters() {
        var grid = CellGrid(width: 10, height: 1)
        grid.put("a\u{1B}b\u{9B}é\r", x: 0, y: 0, style: CellStyle(.text))
        #expect(grid.line(0).hasPrefix("a\u{FFFD}b\u{FFFD}é\u{FFFD}"))
    }
}
