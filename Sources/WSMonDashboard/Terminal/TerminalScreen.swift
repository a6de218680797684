/// What the painter needs from a terminal: write a run of characters in one style, clear,
/// and show what was written. ncurses implements it; tests record the calls.
public protocol TerminalScreen: AnyObject {
    /// Writes `scalars` from (column, row) on in the style with index `style`
    /// (`CellStyle.index`). Each scalar is a character, or a combining mark for the one
    /// before it.
    func write(row: Int, column: Int, scalars: [UInt32], style: Int)
    /// Forgets what is on the screen: the next frame is drawn in full.
    func clearScreen()
    /// Makes the writes visible.
    func present()
}

/// Sends a grid to a terminal, only the cells that changed since the last grid, in runs
/// of one style (ratatui's buffer diff).
public struct ScreenPainter: Sendable {
    private var previous: CellGrid?

    public init() {}

    /// Draws everything on the next paint (after a resize, a theme change or a redraw key).
    public mutating func invalidate() {
        self.previous = nil
    }

    public mutating func paint(_ grid: CellGrid, on screen: some TerminalScreen) {
        let full = self.previous.map { $0.width != grid.width || $0.height != grid.height } ?? true
        if full { screen.clearScreen() }
        let previous = full ? nil : self.previous
        var run: [UInt32] = []
        run.reserveCapacity(grid.width * 2)
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let index = y * grid.width + x
                if let previous, grid.sameCell(index, as: previous) {
                    x += 1
                    continue
                }
                // A changed right half is redrawn from its left half.
                if grid.cells[index].scalar == CellGrid.Cell.continuation, x > 0 { x -= 1 }
                let start = x
                let style = grid.cells[y * grid.width + x].style
                run.removeAll(keepingCapacity: true)
                while x < grid.width {
                    let cellIndex = y * grid.width + x
                    let cell = grid.cells[cellIndex]
                    // A right half always goes with its left half, whatever its style, so the
                    // step back above can never repeat at the same place.
                    guard cell.style == style || cell.scalar == CellGrid.Cell.continuation else { break }
                    if x > start, cell.scalar != CellGrid.Cell.continuation, let previous,
                        grid.sameCell(cellIndex, as: previous)
                    {
                        break
                    }
                    self.append(cell, of: grid, to: &run)
                    x += 1
                }
                screen.write(row: y, column: start, scalars: run, style: Int(style))
            }
        }
        screen.present()
        self.previous = grid
    }

    /// A cell's scalars as the terminal gets them: the first scalar and its combining marks
    /// (see `DisplayWidth`), nothing for the right half of a wide character.
    private func append(_ cell: CellGrid.Cell, of grid: CellGrid, to run: inout [UInt32]) {
        if cell.scalar == CellGrid.Cell.continuation { return }
        run.append(cell.scalar)
        guard cell.cluster > 0 else { return }
        for scalar in grid.clusters[Int(cell.cluster) - 1].unicodeScalars.dropFirst() {
            switch scalar.properties.generalCategory {
            case .nonspacingMark where scalar.value != 0xFE0F && scalar.value != 0xFE0E, .enclosingMark:
                run.append(scalar.value)
            default:
                return
            }
        }
    }
}
