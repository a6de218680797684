import WSMonClient

/// `?`: every key (from `KeyBindings`), every column and what each state means, in a box
/// that fits the terminal: lines wrap to its width and, when they do not all fit, it
/// scrolls (↑ ↓ PgUp PgDn) and says where it is.
enum HelpOverlay {
    static let keyColumn = 16

    static func draw(_ model: DashboardModel, into grid: inout CellGrid) {
        let width = min(grid.width - 2, 100)
        guard width > 20, grid.height >= 5 else { return }
        let inner = width - 4
        let lines = self.lines(themeName: model.themeNames[model.themeIndex], stats: model.drawStats).flatMap {
            self.wrap($0, width: inner)
        }
        let height = min(grid.height - 2, lines.count + 2)
        let visible = height - 2
        let top = max(0, min(model.helpScroll, lines.count - visible))
        let left = (grid.width - width) / 2
        let boxTop = (grid.height - height) / 2
        for y in boxTop..<(boxTop + height) { grid.fill(x: left, y: y, width: width, style: CellStyle(.text)) }
        let horizontal = String(repeating: "─", count: width - 2)
        grid.put("┌" + horizontal + "┐", x: left, y: boxTop, style: CellStyle(.border))
        grid.put("└" + horizontal + "┘", x: left, y: boxTop + height - 1, style: CellStyle(.border))
        for y in (boxTop + 1)..<(boxTop + height - 1) {
            grid.put("│", x: left, y: y, style: CellStyle(.border))
            grid.put("│", x: left + width - 1, y: y, style: CellStyle(.border))
        }
        grid.put(" wsmon help — Esc closes ", x: left + 2, y: boxTop, style: CellStyle(.title), limit: left + width - 1)
        for (offset, line) in lines[top..<min(lines.count, top + visible)].enumerated() {
            grid.draw(line, x: left + 2, y: boxTop + 1 + offset, limit: left + width - 2)
        }
        if lines.count > visible {
            let marker = " lines \(top + 1)–\(top + visible) of \(lines.count) · ↑ ↓ scroll "
            grid.put(marker, x: left + 2, y: boxTop + height - 1, style: CellStyle(.dim), limit: left + width - 1)
        }
    }

    /// A line wrapped to `width` at spaces; continuation lines start under the text, not
    /// under the key.
    private static func wrap(_ line: [Span], width: Int) -> [[Span]] {
        guard line.count == 2, line[0].width == self.keyColumn else { return SpanLayout.wrap(line, width: width) }
        let indent = Span(String(repeating: " ", count: self.keyColumn))
        let room = width - self.keyColumn
        var rows: [String] = []
        for word in line[1].text.split(separator: " ") {
            if let last = rows.last, DisplayWidth.of(last) + 1 + DisplayWidth.of(word) <= room {
                rows[rows.count - 1] = last + " " + word
            } else {
                rows.append(String(word))
            }
        }
        return rows.enumerated().flatMap { index, text in
            SpanLayout.wrap([Span(text, line[1].role)], width: room).enumerated().map { part, rest in
                [index == 0 && part == 0 ? line[0] : indent] + rest
            }
        }
    }

    static func lines(themeName: String, stats: DrawStats) -> [[Span]] {
        // What this terminal costs first, so it is there without scrolling.
        var lines: [[Span]] = [
            [
                Span("drawing ", .key),
                Span(
                    "\(stats.frames) frames, \(Units.rtt(stats.meanSeconds)) mean, \(Units.rtt(stats.slowestSeconds)) slowest",
                    .text
                ),
            ],
            [Span("theme ", .key), Span(themeName, .text)],
            [],
        ]
        for (title, bindings) in KeyBindings.sections where !bindings.isEmpty {
            lines.append([Span(title, .tableHeader)])
            for binding in bindings {
                lines.append([Span(binding.label.padding(to: self.keyColumn), .key), Span(binding.help, .text)])
            }
            lines.append([])
        }
        lines.append([Span("Columns", .tableHeader)])
        for column in SessionColumn.allCases {
            lines.append([Span(column.title.padding(to: self.keyColumn), .key), Span(column.meaning, .text)])
        }
        lines.append([])
        lines.append([Span("States", .tableHeader)])
        for state in SessionState.allCases {
            lines.append([
                Span(
                    (StateLabel.symbol(state) + " " + StateLabel.short(state)).padding(to: self.keyColumn),
                    StateLabel.role(state)
                ),
                Span(StateLabel.meaning(state), .dim),
            ])
        }
        for pings in [PingEvidence.answered, .unanswered, .none] {
            lines.append([
                Span(
                    (StateLabel.staleSymbol + " " + StateLabel.staleName(pings)).padding(to: self.keyColumn),
                    .stateStale
                ),
                Span(StateLabel.staleMeaning(pings), .dim),
            ])
        }
        lines.append([])
        lines.append([
            Span("sparklines".padding(to: self.keyColumn), .key),
            Span("the last 60 s, one bar a second; the number after each is the 60 s peak", .text),
        ])
        return lines
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(1, width - DisplayWidth.of(self)))
    }
}
