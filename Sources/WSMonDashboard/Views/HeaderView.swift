import WSMonClient
import WSMonMonitor

/// The top rows: sessions per state, total rates and close codes, and sparklines of the
/// last minute.
enum HeaderView {
    static func draw(_ model: DashboardModel, clock: ClockFormat, into grid: inout CellGrid) {
        let layout = model.layout
        let totals = model.snapshot.totals
        grid.fill(y: 0, style: CellStyle(.title))
        var column = grid.put(" wsmon ", x: 0, y: 0, style: CellStyle(.title))
        let count = model.list.totalCount
        column = grid.put(" \(count) session\(count == 1 ? "" : "s")  ", x: column, y: 0, style: CellStyle(.title))
        if let origin = model.labels.sharedOrigin {
            column = grid.put(peer: "on " + origin + "  ", x: column - 1, y: 0, style: CellStyle(.title))
        }
        // Waiting (queued at the §4.1 gate) shows only while some session waits: it is the
        // exception, and every other count keeps its place.
        let states = SessionState.allCases.compactMap { state -> (SessionState, Int)? in
            let count = totals.sessionsByState[state] ?? 0
            return state == .waiting && count == 0 ? nil : (state, count)
        }
        var long = states.map { state, count in
            [
                Span(StateLabel.symbol(state) + "\(count) ", StateLabel.role(state)),
                Span(StateLabel.short(state) + "  ", .title),
            ]
        }
        // Stale feeds (a subset of open) likewise show only while there are some.
        let stale =
            totals.staleSessions > 0 ? [Span(StateLabel.staleSymbol + "\(totals.staleSessions) ", .stateStale)] : []
        if !stale.isEmpty { long.append(stale + [Span("stale  ", .title)]) }
        let longWidth = long.joined().reduce(0) { $0 + $1.width }
        if column + longWidth <= layout.width {
            grid.draw(Array(long.joined()), x: column, y: 0)
        } else {
            grid.draw(
                states.map { Span(StateLabel.symbol($0) + "\($1) ", StateLabel.role($0)) } + stale,
                x: column,
                y: 0
            )
        }
        if let replay = model.replay { self.drawCursor(replay, clock: clock, width: layout.width, into: &grid) }
        guard layout.headerRows.count >= 3 else { return }
        grid.drawCut(TotalsLine.spans(totals, width: layout.width - 2), x: 1, y: 1, limit: layout.width - 1)
        self.drawSparklines(totals.history, width: layout.width, y: 2, into: &grid)
    }

    /// A replay's time cursor at the right of the top row: play state, speed, the time and
    /// how far into the recording it is ("▶ 10× 15:04:05.250 +1:23/30:00").
    private static func drawCursor(_ replay: ReplayStatus, clock: ClockFormat, width: Int, into grid: inout CellGrid) {
        let speed = replay.speed < 1 ? "\(replay.speed)" : "\(Int(replay.speed))"
        let text =
            " \(replay.isPlaying ? "▶" : "⏸") \(speed)× \(clock.timeOfDay(replay.time)) "
            + "+\(Self.clockDuration(replay.time - replay.start))/\(Self.clockDuration(replay.end - replay.start)) "
        let x = max(0, width - DisplayWidth.of(text))
        grid.fill(x: x, y: 0, style: CellStyle(.title))
        grid.put(text, x: x, y: 0, style: CellStyle(.key))
    }

    /// "1:23" or "1:02:03".
    static func clockDuration(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds.rounded(.down)))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        let tail = (rest < 10 ? "0" : "") + "\(rest)"
        if hours > 0 { return "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes):" + tail }
        return "\(minutes):" + tail
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
            // The number is the highest second of the minute, and says so.
            let highest = values.max() ?? 0
            let peak = "peak " + format(highest)
            let lineWidth = max(0, min(60, slot - DisplayWidth.of(label) - DisplayWidth.of(peak) - 3))
            var column = grid.put(label, x: x, y: y, style: CellStyle(.dim))
            column = grid.put(
                Sparkline.render(values.suffix(lineWidth), peak: highest),
                x: column,
                y: y,
                style: CellStyle(.sparkline)
            )
            grid.put(" " + peak, x: column, y: y, style: CellStyle(.dim), limit: x + slot)
        }
    }
}

/// Values as a row of block characters scaled to `peak` (the minute's, which the number
/// beside it states, even when the row is too narrow to show that second); zero stays blank.
enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func render(_ values: some Collection<Double>, peak: Double) -> String {
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
