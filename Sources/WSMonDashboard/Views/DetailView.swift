import WSMonClient
import WSMonMonitor

/// The selected session's detail pane: a tab bar, then the frame log, close inspector,
/// handshake headers or reconnect history.
enum DetailView {
    static func draw(_ model: DashboardModel, clock: ClockFormat, into grid: inout CellGrid) {
        let layout = model.layout
        self.drawTabBar(model, y: layout.tabBarRow, into: &grid)
        let rows = layout.detailRows
        guard !rows.isEmpty else { return }
        guard let session = model.selected else {
            grid.put("no session selected", x: 2, y: rows.lowerBound, style: CellStyle(.dim))
            return
        }
        guard let detail = model.detail else {
            grid.put("gathering #\(session.id)'s detail…", x: 2, y: rows.lowerBound, style: CellStyle(.dim))
            return
        }
        let now = model.snapshot.time
        switch model.tab {
        case .frames:
            FrameLogTab.draw(model, clock: clock, rows: rows, into: &grid)
        case .close:
            let lines = CloseInspectorTab.lines(detail, back: model.timelineBack, now: now, clock: clock)
            self.drawLines(lines, rows: rows, scroll: model.detailScroll, into: &grid)
        case .headers:
            self.drawLines(HeadersTab.lines(detail), rows: rows, scroll: model.detailScroll, into: &grid)
        case .reconnects:
            let lines = ReconnectsTab.lines(detail, now: now, clock: clock)
            self.drawLines(lines, rows: rows, scroll: model.detailScroll, into: &grid)
        }
    }

    private static func drawTabBar(_ model: DashboardModel, y: Int, into grid: inout CellGrid) {
        grid.fill(y: y, style: CellStyle(.border))
        grid.put(String(repeating: "─", count: grid.width), x: 0, y: y, style: CellStyle(.border))
        var column = 1
        for tab in DashboardModel.DetailTab.allCases {
            let active = tab == model.tab
            column = grid.put(" \(tab.title) ", x: column, y: y, style: CellStyle(active ? .tabActive : .tab))
            column = grid.put("│", x: column, y: y, style: CellStyle(.border))
        }
        guard let session = model.selected else { return }
        var spans = [
            Span(" #\(session.id) ", .dim), Span(session.name, .text, peer: true), Span("  "),
            Span(
                StateLabel.symbol(session.state) + " " + StateLabel.short(session.state),
                StateLabel.role(session.state)
            ),
        ]
        if session.insecure { spans.append(Span("  ⚠ TLS unverified", .warning)) }
        if model.frozenDetail != nil { spans.append(Span("  ⏸ paused", .warning)) }
        if model.focus == .detail { spans.append(Span("  ⏎ back", .key)) }
        spans.append(Span(" "))
        let width = spans.reduce(0) { $0 + $1.width }
        let start = max(column + 1, grid.width - width - 1)
        grid.fill(x: start, y: y, width: grid.width - start - 1, style: CellStyle(.text))
        grid.draw(spans, x: start, y: y, limit: grid.width - 1)
    }

    /// Lines of spans from `scroll` on, as many as `rows` hold; a scroll past the end shows
    /// the last page.
    static func drawLines(_ lines: [[Span]], rows: Range<Int>, scroll: Int, into grid: inout CellGrid) {
        let first = max(0, min(scroll, lines.count - rows.count))
        for (offset, y) in rows.enumerated() {
            let index = first + offset
            guard index < lines.count else { break }
            grid.draw(lines[index], x: 1, y: y, limit: grid.width - 1)
        }
        if lines.count > rows.count {
            let marker = "\(first + 1)–\(min(lines.count, first + rows.count))/\(lines.count)"
            grid.put(marker, x: grid.width - marker.count - 1, y: rows.upperBound - 1, style: CellStyle(.dim))
        }
    }
}
