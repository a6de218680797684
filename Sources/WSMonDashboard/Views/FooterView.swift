/// The bottom row: the prompt being typed, or a status message and the key hints.
enum FooterView {
    static let hints: [(key: String, action: String)] = [
        ("↑↓", "select"), ("⏎", "detail"), ("⇥", "tab"), ("s", "send"), ("c", "close"), ("p", "ping"),
        ("r", "reconnect"), ("x", "drop"), ("␣", "pause"), ("/", "filter"), ("o", "sort"), ("t", "theme"),
        ("?", "help"), ("q", "quit"),
    ]

    static func draw(_ model: DashboardModel, into grid: inout CellGrid) {
        let y = model.layout.footerRow
        grid.fill(y: y, style: CellStyle(.footer))
        if let prompt = model.prompt {
            self.drawPrompt(prompt, y: y, into: &grid)
            return
        }
        var column = 1
        if model.isQuitting {
            column = grid.put(
                "closing every session… q again quits at once",
                x: column,
                y: y,
                style: CellStyle(.warning)
            )
            column += 3
        } else if let status = model.status {
            column = grid.put(peer: status.text, x: column, y: y, style: CellStyle(status.isError ? .error : .prompt))
            column += 3
        } else if !model.filter.isEmpty {
            column = grid.draw(
                [
                    Span("filter ", .dim), Span(model.filter.text, .prompt, peer: true),
                    Span(" (\(model.list.rows.count) of \(model.list.totalCount))  ", .dim),
                ],
                x: column,
                y: y
            )
        }
        for hint in self.hints {
            let width = DisplayWidth.of(hint.key) + hint.action.count + 3
            guard column + width <= grid.width else { break }
            column = grid.put(hint.key, x: column, y: y, style: CellStyle(.key))
            column = grid.put(" " + hint.action + "  ", x: column, y: y, style: CellStyle(.footer))
        }
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
