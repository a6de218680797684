import WSMonClient
import WSMonMonitor

/// The sessions table: a header with the sort marker, then only the rows that fit, so
/// 10,000 sessions cost what 20 do.
enum TableView {
    struct Placed: Hashable {
        var column: SessionColumn
        var x: Int
        var width: Int
    }

    /// Which columns fit in `width` and where they go.
    static func columns(width: Int, maxID: Int) -> [Placed] {
        var shown = SessionColumn.allCases
        let idWidth = max(2, String(maxID).count)
        func fixedWidth(_ column: SessionColumn) -> Int { column == .id ? idWidth : column.fixedWidth ?? 0 }
        func minimumFlexible(_ columns: [SessionColumn]) -> Int {
            columns.reduce(0) { sum, column in
                switch column {
                case .name: return sum + 12
                case .url: return sum + 20
                case .lastClose: return sum + 16
                default: return sum
                }
            }
        }
        while true {
            let fixed = shown.reduce(0) { $0 + fixedWidth($1) } + shown.count
            if fixed + minimumFlexible(shown) <= width { break }
            guard let drop = shown.filter({ $0.dropOrder > 0 }).max(by: { $0.dropOrder < $1.dropOrder }) else { break }
            shown.removeAll { $0 == drop }
        }
        let fixed = shown.reduce(0) { $0 + fixedWidth($1) } + shown.count
        let flexible = max(0, width - fixed)
        var widths: [SessionColumn: Int] = [:]
        if shown.contains(.url) {
            widths[.name] = min(32, max(12, flexible * 2 / 5))
            widths[.lastClose] = min(36, max(16, flexible * 3 / 10))
            widths[.url] = max(0, flexible - widths[.name]! - widths[.lastClose]!)
        } else {
            widths[.name] = min(32, max(8, flexible / 2))
            widths[.lastClose] = max(0, flexible - widths[.name]!)
        }
        var x = 1
        return shown.map { column in
            let columnWidth = column.fixedWidth ?? (column == .id ? idWidth : widths[column] ?? 0)
            defer { x += columnWidth + 1 }
            return Placed(column: column, x: x, width: columnWidth)
        }
    }

    static func draw(_ model: DashboardModel, into grid: inout CellGrid) {
        let layout = model.layout
        let columns = self.columns(width: layout.width - 1, maxID: model.snapshot.sessions.last?.id ?? 1)
        let headerRow = layout.tableHeaderRow
        grid.fill(y: headerRow, style: CellStyle(.tableHeader))
        for placed in columns {
            var title = placed.column.title
            if model.order.column == placed.column { title += model.order.descending ? "▼" : "▲" }
            grid.drawField(
                title,
                x: placed.x,
                y: headerRow,
                width: placed.width,
                role: .tableHeader,
                selected: false,
                rightAligned: placed.column.isRightAligned
            )
            grid.fill(x: placed.x + placed.width, y: headerRow, width: 1, style: CellStyle(.tableHeader))
        }
        let rows = model.list.rows
        for (offset, y) in layout.tableRows.enumerated() {
            let index = model.tableTop + offset
            guard index < rows.count else {
                if index == 0 {
                    let message = model.filter.isEmpty ? "no sessions" : "no session matches “\(model.filter.text)”"
                    grid.put(peer: message, x: 2, y: y, style: CellStyle(.dim))
                }
                continue
            }
            let row = rows[index]
            let selected = row.id == model.selectedID
            grid.fill(y: y, style: CellStyle(.text, selected: selected))
            let texts = model.snapshot.texts(of: row)
            for placed in columns {
                self.drawCell(
                    placed,
                    row: row,
                    texts: texts,
                    now: model.snapshot.time,
                    y: y,
                    selected: selected,
                    into: &grid
                )
            }
        }
    }

    private static func drawCell(
        _ placed: Placed,
        row: SessionSummary,
        texts: SessionTexts,
        now: Double,
        y: Int,
        selected: Bool,
        into grid: inout CellGrid
    ) {
        func field(_ text: String, _ role: Role = .text, peer: Bool = false) {
            grid.drawField(
                text,
                x: placed.x,
                y: y,
                width: placed.width,
                role: role,
                selected: selected,
                rightAligned: placed.column.isRightAligned,
                peer: peer
            )
        }
        switch placed.column {
        case .id: field("\(row.id)", .dim)
        case .name:
            if row.insecure {
                grid.drawField("⚠", x: placed.x, y: y, width: 2, role: .warning, selected: selected)
                grid.drawField(
                    texts.name,
                    x: placed.x + 2,
                    y: y,
                    width: placed.width - 2,
                    role: .text,
                    selected: selected,
                    peer: true
                )
            } else {
                field(texts.name, peer: true)
            }
        case .url: field(texts.url, .dim, peer: true)
        case .state: field(StateLabel.symbol(row.state) + " " + StateLabel.short(row.state), StateLabel.role(row.state))
        case .uptime: field(row.uptime(at: now).map(Units.duration) ?? "–", .dim)
        case .messagesIn: field(Units.count(row.messagesIn), .frameIn)
        case .messagesOut: field(Units.count(row.messagesOut), .frameOut)
        case .rateIn: field(Units.rate(row.rates1s.messagesIn), .frameIn)
        case .rateOut: field(Units.rate(row.rates1s.messagesOut), .frameOut)
        case .lastClose:
            let (text, role) = self.lastClose(row, texts: texts)
            field(text, role, peer: true)
        case .reconnects: field("\(row.reconnects)", row.reconnects > 0 ? .stateReconnecting : .dim)
        case .rtt: field(row.rtt.map(Units.rtt) ?? "–", .dim)
        }
    }

    /// The last close, or the last failure while the session is trying again.
    static func lastClose(_ row: SessionSummary, texts: SessionTexts) -> (String, Role) {
        if row.consecutiveFailures > 0, let error = texts.lastError, row.state != .open {
            return ("✗ " + error, .error)
        }
        guard let code = row.lastCloseCode else {
            if let stop = texts.stopReason { return (stop, .dim) }
            return ("", .text)
        }
        let reason = texts.lastCloseReason.isEmpty ? "" : " " + texts.lastCloseReason
        return ("\(code)\(reason)", row.lastCloseClean == true ? .closeClean : .closeUnclean)
    }
}
