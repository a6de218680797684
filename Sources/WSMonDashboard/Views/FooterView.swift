/// The bottom row: the prompt being typed, or a status message and the key hints of the
/// focus (from `KeyBindings`), `? help` always among them.
enum FooterView {
    static let quittingNotice = "closing every session… q or Ctrl-C again quits at once"

    static func draw(_ model: DashboardModel, into grid: inout CellGrid) {
        let y = model.layout.footerRow
        grid.fill(y: y, style: CellStyle(.footer))
        if let prompt = model.prompt {
            self.drawPrompt(prompt, y: y, into: &grid)
            return
        }
        let help = (key: "?", word: "help")
        let helpWidth = self.width(of: help)
        // Room kept at the end for `? help`, the way into everything else.
        let limit = grid.width - helpWidth
        var column = 1
        if model.isQuitting {
            column = grid.put(self.quittingNotice, x: column, y: y, style: CellStyle(.warning), limit: limit)
            column += 3
        } else if let status = model.status {
            column = grid.drawCut(
                [Span(status.text, status.isError ? .error : .prompt, peer: true)],
                x: column,
                y: y,
                limit: limit
            )
            column += 3
        } else if !model.filter.isEmpty {
            column = grid.draw(
                [
                    Span("filter ", .dim), Span(model.filter.text, .prompt, peer: true),
                    Span(" (\(model.list.rows.count) of \(model.list.totalCount))  ", .dim),
                ],
                x: column,
                y: y,
                limit: limit
            )
        }
        for hint in KeyBindings.hints(in: model.context, mode: model.mode) where hint != help {
            guard column + self.width(of: hint) <= limit else { break }
            column = self.draw(hint, x: column, y: y, into: &grid)
        }
        self.draw(help, x: max(column, grid.width - helpWidth), y: y, into: &grid)
    }

    private static func width(of hint: (key: String, word: String)) -> Int {
        DisplayWidth.of(hint.key) + hint.word.count + 3
    }

    @discardableResult
    private static func draw(_ hint: (key: String, word: String), x: Int, y: Int, into grid: inout CellGrid) -> Int {
        let column = grid.put(hint.key, x: x, y: y, style: CellStyle(.key))
        return grid.put(" " + hint.word + "  ", x: column, y: y, style: CellStyle(.footer))
    }

    private static func drawPrompt(_ prompt: Prompt, y: Int, into grid: inout CellGrid) {
        var column = grid.put(prompt.label, x: 1, y: y, style: CellStyle(.prompt))
        let before = String(prompt.text.prefix(prompt.cursor))
        let after = String(prompt.text.dropFirst(prompt.cursor))
        column = grid.put(peer: before, x: column, y: y, style: CellStyle(.text))
        let cursorCharacter = after.first.map(String.init) ?? " "
        column = grid.put(peer: cursorCharacter, x: column, y: y, style: CellStyle(.text, selected: true))
        grid.put(peer: String(after.dropFirst()), x: column, y: y, style: CellStyle(.text))
        let hint = "⏎ ok  esc cancel"
        grid.put(hint, x: max(column + 2, grid.width - DisplayWidth.of(hint) - 1), y: y, style: CellStyle(.dim))
        if let error = prompt.error, y > 0 {
            grid.fill(y: y - 1, style: CellStyle(.error))
            grid.put(peer: "✗ " + error, x: 1, y: y - 1, style: CellStyle(.error))
        }
    }
}
