import WSMonClient
import WSMonMonitor

/// The top rows: sessions per state, total rates and close codes, and sparklines of the
/// last minute.
enum HeaderView {
    static func draw(_ model: DashboardModel, into grid: inout CellGrid) {
        let layout = model.layout
        let totals = model.snapshot.totals
        grid.fill(y: 0, style: CellStyle(.title))
        var column = grid.put(" wsmon ", x: 0, y: 0, style: CellStyle(.title))
        let count = model.list.totalCount
        column = grid.put(" \(count) session\(count == 1 ? "" : "s")  ", x: column, y: 0, style: CellStyle(.title))
        let states = SessionState.allCases.map { state in (state, totals.sessionsByState[state] ?? 0) }
        let long = states.map { state, count in
            [
                Span(StateLabel.symbol(state) + "\(count) ", StateLabel.role(state)),
                Span(StateLabel.short(state) + "  ", .title),
            ]
        }
        let longWidth = long.joined().reduce(0) { $0 + $1.width }
        if column + longWidth <= layout.width {
            grid.draw(Array(long.joined()), x: column, y: 0)
        } else {
            grid.draw(states.map { Span(StateLabel.symbol($0) + "\($1) ", StateLabel.role($0)) }, x: column, y: 0)
        }
        guard layout.headerRows.count >= 3 else { return }
        grid.draw(self.ratesLine(totals), x: 1, y: 1)
        self.drawSparklines(totals.history, width: layout.width, y: 2, into: &grid)
    }

    private static func ratesLine(_ totals: Totals) -> [Span] {
        var spans: [Span] = [
            Span("in ", .dim), Span(Units.rate(totals.rates1s.messagesIn), .frameIn), Span(" msg/s ", .dim),
            Span(Units.byteRate(totals.rates1s.bytesIn), .frameIn), Span("   out ", .dim),
            Span(Units.rate(totals.rates1s.messagesOut), .frameOut), Span(" msg/s ", .dim),
            Span(Units.byteRate(totals.rates1s.bytesOut), .frameOut), Span("   reconnects ", .dim),
            Span(Units.rate(totals.reconnectsPerSecond) + "/s", .stateReconnecting),
        ]
        if !totals.closeCodes.isEmpty {
            spans.append(Span("   closes ", .dim))
            for (code, count) in totals.closeCodes.sorted(by: {
                $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value
            }) {
                let clean = code == 1000 || code == 1001
                spans.append(Span("\(code)", clean ? .closeClean : .closeUnclean))
                spans.append(Span("×\(count) ", .dim))
            }
        }
        if !totals.rejectionStatuses.isEmpty {
            spans.append(Span("  rejected ", .dim))
            for (status, count) in totals.rejectionStatuses.sorted(by: { $0.key < $1.key }) {
                spans.append(Span("\(status)", .error))
                spans.append(Span("×\(count) ", .dim))
            }
        }
        return spans
    }

    /// Three sparklines side by side: messages, bytes and reconnects per second.
    private static func drawSparklines(_ history: [SecondSample], width: Int, y: Int, into grid: inout CellGrid) {
        let series: [(String, [Double], (Double) -> String)] = [
            ("msg/s ", history.map { Double($0.messages) }, Units.rate),
            ("B/s ", history.map { Double($0.bytes) }, Units.byteRate),
            ("reconnects/s ", history.map { Double($0.reconnects) }, Units.rate),
        ]
        let slot = max(0, (width - 1) / series.count)
        for (index, (label, values, format)) in series.enumerated() {
            let x = 1 + index * slot
            let peak = format(values.max() ?? 0)
            let lineWidth = max(0, min(60, slot - DisplayWidth.of(label) - DisplayWidth.of(peak) - 3))
            var column = grid.put(label, x: x, y: y, style: CellStyle(.dim))
            column = grid.put(Sparkline.render(values.suffix(lineWidth)), x: column, y: y, style: CellStyle(.sparkline))
            grid.put(" " + peak, x: column, y: y, style: CellStyle(.dim), limit: x + slot)
        }
    }
}

/// Values as a row of block characters scaled to their maximum; zero stays blank.
enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func render(_ values: some Collection<Double>) -> String {
        let peak = values.max() ?? 0
        guard peak > 0 else { return String(repeating: " ", count: values.count) }
        return String(
            values.map { value in
                guard value > 0 else { return " " }
                let level = Int((value / peak * Double(self.levels.count - 1)).rounded(.up))
                return self.levels[min(self.levels.count - 1, max(0, level))]
            }
        )
    }
}
