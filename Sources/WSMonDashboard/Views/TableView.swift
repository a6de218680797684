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

    /// Which columns fit in `width` and where they go; the Name and URL columns are as wide
    /// as their widest text when there is room (`widestName`, `widestURL`).
    static func columns(
        width: Int,
        maxID: Int,
        widestName: Int = 32,
        widestURL: Int = 60,
        showsURL: Bool = true,
        showsCompression: Bool = false
    ) -> [Placed] {
        var shown = SessionColumn.allCases.filter {
            (showsURL || $0 != .url) && (showsCompression || $0 != .compression)
        }
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
        // Name first, then URL, then the last close takes the rest (at least 16).
        let nameWanted = min(40, max(8, widestName))
        if shown.contains(.url) {
            let name = max(12, min(nameWanted, flexible - 16 - 20))
            let url = max(0, min(max(10, widestURL), flexible - name - 16))
            widths[.name] = name
            widths[.url] = url
            widths[.lastClose] = max(0, flexible - name - url)
        } else {
            widths[.name] = max(8, min(nameWanted, flexible - 16))
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
        let columns = self.columns(
            width: layout.width - 1,
            maxID: model.snapshot.sessions.last?.id ?? 1,
            widestName: model.labels.widestName,
            widestURL: model.labels.widestURL,
            showsURL: model.labels.sharedOrigin == nil,
            showsCompression: model.snapshot.sessions.contains { $0.compressionRatio != nil }
        )
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
            let shownTexts = (
                name: model.labels.name(of: row, texts: texts), url: model.labels.url(of: row, texts: texts)
            )
            for placed in columns {
                self.drawCell(
                    placed,
                    row: row,
                    texts: texts,
                    shown: shownTexts,
                    now: model.snapshot.time,
                    y: y,
                    selected: selected,
                    into: &grid
                )
            }
        }
        self.drawScrollMark(model, into: &grid)
    }

    /// A scroll bar in the last column when the table holds more rows than it shows.
    private static func drawScrollMark(_ model: DashboardModel, into grid: inout CellGrid) {
        let rows = model.layout.tableRows
        let count = model.list.rows.count
        guard count > rows.count, rows.count > 0 else { return }
        let thumb = max(1, rows.count * rows.count / count)
        let start = model.tableTop * (rows.count - thumb) / max(1, count - rows.count)
        for (offset, y) in rows.enumerated() {
            let onThumb = offset >= start && offset < start + thumb
            grid.put(onThumb ? "┃" : "│", x: grid.width - 1, y: y, style: CellStyle(onThumb ? .text : .border))
        }
    }

    private static func drawCell(
        _ placed: Placed,
        row: SessionSummary,
        texts: SessionTexts,
        shown: (name: String, url: String),
        now: Double,
        y: Int,
        selected: Bool,
        into grid: inout CellGrid
    ) {
        func field(_ text: String, _ role: Role = .text, peer: Bool = false, keeping suffix: String? = nil) {
            grid.drawField(
                text,
                x: placed.x,
                y: y,
                width: placed.width,
                role: role,
                selected: selected,
                rightAligned: placed.column.isRightAligned,
                peer: peer,
                keeping: suffix
            )
        }
        switch placed.column {
        case .id: field("\(row.id)", .dim)
        case .name:
            if row.insecure {
                grid.drawField("⚠", x: placed.x, y: y, width: 2, role: .warning, selected: selected)
                grid.drawField(
                    shown.name,
                    x: placed.x + 2,
                    y: y,
                    width: placed.width - 2,
                    role: .text,
                    selected: selected,
                    peer: true,
                    keeping: self.copySuffix(of: shown.name)
                )
            } else {
                field(shown.name, peer: true, keeping: self.copySuffix(of: shown.name))
            }
        case .url: field(shown.url, .dim, peer: true)
        case .state:
            let (text, role) = StateLabel.symbolAndName(row)
            field(text, role)
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
        case .compression: field(row.compressionRatio.map(CompressionSection.ratio) ?? "–", .frameIn)
        }
    }

    /// The ` #N` that `--count` adds to a name, if it has one.
    static func copySuffix(of name: String) -> String? {
        guard let hash = name.lastIndex(of: "#"), hash > name.startIndex,
            name[name.index(before: hash)] == " ",
            name[name.index(after: hash)...].allSatisfy({ ("0"..."9").contains($0) }),
            name.index(after: hash) < name.endIndex
        else { return nil }
        return String(name[name.index(before: hash)...])
    }

    /// The last close, or the last failure while the session is trying again.
    static func lastClose(_ row: SessionSummary, texts: SessionTexts) -> (String, Role) {
        if row.consecutiveFailures > 0, let error = texts.lastError, row.state != .open {
            // The reason in a word first (`✗ 503`, `✗ refused`, `✗ DNS`), so a narrow column
            // cuts the detail, never the reason.
            guard let kind = row.lastFailure else { return ("✗ " + error, .error) }
            if kind == .rejected, let status = row.lastFailureStatus {
                let prefix = "handshake rejected: HTTP \(status) "
                let rest = error.hasPrefix(prefix) ? String(error.dropFirst(prefix.count)) : error
                return ("✗ \(status) " + rest, .error)
            }
            return ("✗ \(kind.label) · " + error, .error)
        }
        guard let code = row.lastCloseCode else {
            if let stop = texts.stopReason { return (stop, .dim) }
            return ("", .text)
        }
        // The cause in a few words before the peer's reason, so a narrow column keeps it.
        let cause = row.lastCloseCause.map { " " + $0.tableWords } ?? ""
        let reason = texts.lastCloseReason.isEmpty ? "" : " " + texts.lastCloseReason
        return ("\(code)\(cause)\(reason)", row.lastCloseClean == true ? .closeClean : .closeUnclean)
    }
}

extension CloseCause {
    /// The table's short form of the cause (the code is shown beside it).
    var tableWords: String {
        switch self {
        case .peerClose: return "peer Close"
        case .localClose: return "local Close"
        case .keepaliveTimeout: return "keepalive timeout"
        case .closeTimeout: return "close timeout"
        case .tcpReset: return "TCP reset"
        case .eofWithoutClose: return "EOF, no Close"
        case .handshakeRejected: return "rejected"
        case .protocolViolation: return "violation"
        }
    }
}
