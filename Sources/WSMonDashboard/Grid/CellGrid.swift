/// An off-screen screen: rows of cells, each holding one character and its style. Views
/// draw a snapshot into it; `ScreenPainter` then sends the terminal only the cells that
/// differ from the last frame. A wide character takes its cell and the next, which holds
/// `continuation`.
public struct CellGrid: Sendable {
    public struct Cell: Hashable, Sendable {
        /// The character's first scalar; `continuation` for the right half of a wide one.
        public var scalar: UInt32
        /// 1-based index into the grid's `clusters` when the character has more scalars.
        public var cluster: UInt32
        public var style: UInt16

        public static let continuation: UInt32 = 0xFFFF_FFFF
        static let blank = Cell(scalar: 0x20, cluster: 0, style: UInt16(CellStyle(.text).index))
    }

    public let width: Int
    public let height: Int
    /// What a control character becomes if one ever reaches a cell: never the character.
    static let replacement: UInt32 = 0xFFFD
    public private(set) var cells: [Cell]
    /// Characters of more than one scalar (emoji sequences, combining marks).
    public private(set) var clusters: [String] = []

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell { self.cells[y * self.width + x] }

    public func style(x: Int, y: Int) -> CellStyle { CellStyle(index: Int(self[x, y].style)) }

    /// The text of a cell (empty for the right half of a wide character).
    public func character(x: Int, y: Int) -> String {
        let cell = self[x, y]
        if cell.scalar == Cell.continuation { return "" }
        if cell.cluster > 0 { return self.clusters[Int(cell.cluster) - 1] }
        return Unicode.Scalar(cell.scalar).map { String($0) } ?? "?"
    }

    /// True when cell `index` here and in `other` show the same thing.
    func sameCell(_ index: Int, as other: CellGrid) -> Bool {
        let mine = self.cells[index]
        let theirs = other.cells[index]
        guard mine == theirs else {
            guard mine.cluster > 0, theirs.cluster > 0, mine.scalar == theirs.scalar, mine.style == theirs.style else {
                return false
            }
            return self.clusters[Int(mine.cluster) - 1] == other.clusters[Int(theirs.cluster) - 1]
        }
        return mine.cluster == 0 || self.clusters[Int(mine.cluster) - 1] == other.clusters[Int(theirs.cluster) - 1]
    }

    /// Row `y` as text, wide characters once: what a person reads (trailing spaces kept).
    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<self.width { text += self.character(x: x, y: y) }
        return text
    }

    /// Every row, trailing spaces removed: for comparing with expected screens.
    public var lines: [String] {
        (0..<self.height).map { y in
            var line = self.line(y)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    // MARK: Drawing

    /// Paints `width` cells of row `y` from `x` with spaces in `style`.
    public mutating func fill(x: Int = 0, y: Int, width: Int? = nil, style: CellStyle) {
        guard y >= 0, y < self.height else { return }
        let start = max(0, x)
        let end = min(self.width, x + (width ?? self.width - x))
        guard start < end else { return }
        let cell = Cell(scalar: 0x20, cluster: 0, style: UInt16(style.index))
        // A wide character cut by either edge loses its other half too, as `put` does: a
        // half glyph would be drawn over its neighbour, and the painter relies on both
        // halves of a wide character sharing one style.
        self.clearWideCharacter(at: start, row: y * self.width)
        self.clearWideCharacter(at: end - 1, row: y * self.width)
        for column in start..<end { self.cells[y * self.width + column] = cell }
    }

    /// Writes `text` at (x, y) without passing `limit` (default: the row's end); a wide
    /// character that would cross it is left out. Returns the column after the text.
    /// Peer text goes through `put(peer:)`, which shows escapes; a control character that
    /// reaches here anyway becomes U+FFFD, so no cell ever holds one.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: CellStyle, limit: Int? = nil) -> Int {
        guard y >= 0, y < self.height else { return x }
        let end = min(self.width, limit ?? self.width)
        let styleIndex = UInt16(style.index)
        var column = x
        if DisplayWidth.isASCII(text) {
            let row = y * self.width
            for byte in text.utf8 {
                guard column < end else { break }
                if column >= 0 {
                    self.clearWideCharacter(at: column, row: row)
                    let scalar = byte < 0x20 || byte == 0x7F ? Self.replacement : UInt32(byte)
                    self.cells[row + column] = Cell(scalar: scalar, cluster: 0, style: styleIndex)
                }
                column += 1
            }
            return column
        }
        for character in text {
            guard column < end else { break }
            let width = DisplayWidth.of(character)
            if width == 0 { continue }
            if column < 0 {
                column += width
                continue
            }
            let row = y * self.width
            if width == 2 && column + 1 >= end { break }
            self.clearWideCharacter(at: column, row: row)
            let scalars = character.unicodeScalars
            var cluster: UInt32 = 0
            if scalars.count > 1 {
                self.clusters.append(String(character))
                cluster = UInt32(self.clusters.count)
            }
            let first = scalars.first!.value
            let scalar = first < 0x20 || (0x7F...0x9F).contains(first) ? Self.replacement : first
            self.cells[row + column] = Cell(scalar: scalar, cluster: scalar == first ? cluster : 0, style: styleIndex)
            if width == 2 {
                self.clearWideCharacter(at: column + 1, row: row)
                self.cells[row + column + 1] = Cell(scalar: Cell.continuation, cluster: 0, style: styleIndex)
            }
            column += width
        }
        return column
    }

    /// Writes peer text made safe: escapes drawn in the `escaped` role.
    @discardableResult
    public mutating func put(peer text: some StringProtocol, x: Int, y: Int, style: CellStyle, limit: Int? = nil) -> Int
    {
        var column = x
        for segment in SafeText.segments(of: text) {
            let segmentStyle = segment.isEscape ? CellStyle(.escaped, selected: style.selected) : style
            column = self.put(segment.text, x: column, y: y, style: segmentStyle, limit: limit)
        }
        return column
    }

    /// Overwriting half of a wide character leaves the other half as a space.
    private mutating func clearWideCharacter(at column: Int, row: Int) {
        let cell = self.cells[row + column]
        if cell.scalar == Cell.continuation, column > 0 {
            self.cells[row + column - 1].scalar = 0x20
            self.cells[row + column - 1].cluster = 0
        } else if column + 1 < self.width, self.cells[row + column + 1].scalar == Cell.continuation {
            self.cells[row + column + 1].scalar = 0x20
        }
    }
}
