import WSMonClient

/// `?`: every key and what each state means, in a box over the screen.
enum HelpOverlay {
    static let keys: [(String, String)] = [
        ("↑ ↓  j k", "select a session (in the detail pane: a frame, or scroll)"),
        ("PgUp PgDn  g G", "a page up or down (of a frame, in the inspector); first or last"),
        ("Enter  Esc", "focus the detail pane and back"),
        ("Tab  Shift-Tab", "next or previous tab: frames, close, headers, reconnects"),
        ("s", "send a message (text, or hex:0a0b… for binary)"),
        ("c", "close with a code and reason, e.g. 4000 bye"),
        ("p  r  x", "ping; reconnect now; drop TCP without a Close"),
        ("space", "pause or resume the frame log"),
        ("J", "pretty-print JSON messages in the frame inspector"),
        ("[  ]", "older or newer close handshake in the inspector"),
        ("/  o  O", "filter (words, state:open); sort by next column; reverse"),
        ("t", "next theme"),
        ("q", "close every session and quit (again: quit at once)"),
    ]

    static func draw(_ model: DashboardModel, into grid: inout CellGrid) {
        let lines = self.lines(themeName: model.themeNames[model.themeIndex], stats: model.drawStats)
        let width = min(grid.width - 2, 78)
        let height = min(grid.height - 2, lines.count + 2)
        guard width > 10, height > 2 else { return }
        let left = (grid.width - width) / 2
        let top = (grid.height - height) / 2
        for y in top..<(top + height) { grid.fill(x: left, y: y, width: width, style: CellStyle(.text)) }
        let horizontal = String(repeating: "─", count: width - 2)
        grid.put("┌" + horizontal + "┐", x: left, y: top, style: CellStyle(.border))
        grid.put("└" + horizontal + "┘", x: left, y: top + height - 1, style: CellStyle(.border))
        for y in (top + 1)..<(top + height - 1) {
            grid.put("│", x: left, y: y, style: CellStyle(.border))
            grid.put("│", x: left + width - 1, y: y, style: CellStyle(.border))
        }
        grid.put(" wsmon help — any key closes ", x: left + 2, y: top, style: CellStyle(.title))
        for (offset, line) in lines.prefix(height - 2).enumerated() {
            grid.draw(line, x: left + 2, y: top + 1 + offset, limit: left + width - 2)
        }
    }

    static func lines(themeName: String, stats: DrawStats) -> [[Span]] {
        var lines = self.keys.map { key, action in
            [Span(key.padding(to: 17), .key), Span(action, .text)]
        }
        lines.append([])
        for state in SessionState.allCases {
            lines.append([
                Span(
                    (StateLabel.symbol(state) + " " + StateLabel.short(state)).padding(to: 17),
                    StateLabel.role(state)
                ),
                Span(StateLabel.meaning(state), .dim),
            ])
        }
        lines.append([])
        lines.append([
            Span("theme ", .dim), Span(themeName, .text),
            Span("   sparklines: the last 60 s, scaled to the peak shown at their right", .dim),
        ])
        lines.append([
            Span("drawing ", .dim),
            Span(
                "\(stats.frames) frames, \(Units.rtt(stats.meanSeconds)) mean, \(Units.rtt(stats.slowestSeconds)) slowest",
                .text
            ),
        ])
        return lines
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(1, width - DisplayWidth.of(self)))
    }
}
