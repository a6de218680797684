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
        if model.tab == .storm {
            // Every session's, or the filtered ones', whichever is selected.
            let lines = StormTab.lines(model.stormView, width: layout.width, clock: clock)
            return self.drawLines(lines, rows: rows, scroll: model.detailScroll, into: &grid)
        }
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
        case .storm:
            break  // drawn above
        }
    }

    private static func drawTabBar(_ model: DashboardModel, y: Int, into grid: inout CellGrid) {
        grid.fill(y: y, style: CellStyle(.border))
        grid.put(String(repeating: "─", count: grid.width), x: 0, y: y, style: CellStyle(.border))
        var column = 1
        for tab in DashboardModel.DetailTab.allCases {
            let active = tab == model.tab
            var title = tab.title
            if tab == .frames, let note = model.frameView.titleNote { title += " (\(note))" }
            column = grid.put(peer: " \(title) ", x: column, y: y, style: CellStyle(active ? .tabActive : .tab))
            column = grid.put("│", x: column, y: y, style: CellStyle(.border))
        }
        // Where the table is in the list, when it does not show every row.
        let visible = model.layout.tableRows.count
        let count = model.list.rows.count
        if count > visible {
            let last = min(count, model.tableTop + visible)
            column = grid.put(
                "─ \(model.tableTop + 1)–\(last) of \(count) ",
                x: column,
                y: y,
                style: CellStyle(.border)
            )
        }
        guard let session = model.selected, let texts = model.selectedTexts else { return }
        var spans = [
            Span(" #\(session.id) ", .dim), Span(model.labels.name(of: session, texts: texts), .text, peer: true),
            Span("  "),
            Span(
                StateLabel.symbol(session.state) + " " + StateLabel.short(session.state),
                StateLabel.role(session.state)
            ),
        ]
        if session.insecure { spans.append(Span("  ⚠ TLS unverified", .warning)) }
        if let ratio = session.compressionRatio {
            spans.append(Span("  deflate \(CompressionSection.ratio(ratio))", .frameIn))
        }
        if model.frozenDetail != nil { spans.append(Span("  ⏸ paused", .warning)) }
        spans.append(Span(" "))
        let width = spans.reduce(0) { $0 + $1.width }
        let start = max(column + 1, grid.width - width - 1)
        guard start < grid.width - 2 else { return }
        grid.fill(x: start, y: y, width: grid.width - start - 1, style: CellStyle(.text))
        grid.drawCut(spans, x: start, y: y, limit: grid.width - 1)
    }

    /// Lines of spans from `scroll` on, as many as `rows` hold; a scroll past the end shows
    /// the last page. When they do not all fit, the last row says where the view is.
    static func drawLines(_ lines: [[Span]], rows: Range<Int>, scroll: Int, into grid: inout CellGrid) {
        let fits = lines.count <= rows.count
        let shown = fits ? rows.count : max(0, rows.count - 1)
        let first = fits ? 0 : max(0, min(scroll, lines.count - shown))
        for (offset, y) in rows.prefix(shown).enumerated() {
            grid.drawCut(lines[first + offset], x: 1, y: y, limit: grid.width - 1)
            if first + offset == lines.count - 1 { break }
        }
        guard !fits, let y = rows.last else { return }
        let more = lines.count - first - shown
        let marker =
            shown == 0
            ? "\(lines.count) lines (the pane is too short)"
            : "lines \(first + 1)–\(first + shown) of \(lines.count)" + (more > 0 ? " · \(more) more below" : "")
        grid.put(marker, x: 1, y: y, style: CellStyle(.dim))
    }
}
