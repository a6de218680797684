import WSMonClient
import WSMonMonitor

/// The storm, for every session or the filtered ones, over the whole run: attempts and
/// opens per second, the synchronised-retry warning, reconnect delays and connection
/// lifetimes, close causes grouped with counts, handshake failures grouped. `wsmon report`
/// prints the same lines.
public enum StormTab {
    static func lines(_ view: StormView, width: Int, clock: ClockFormat) -> [[Span]] {
        let storm = view.storm
        var lines: [[Span]] = []
        if let count = view.filteredSessions {
            lines.append([Span("The \(count) filtered session\(count == 1 ? "" : "s") alone", .warning)])
        }
        guard let first = storm.timeline.keys.min(), let last = storm.timeline.keys.max() else {
            return lines + [[Span("No connection attempt yet.", .dim)]]
        }
        let bucket = storm.bucketSeconds
        lines.append([
            Span("Attempts and opens per second", .tableHeader),
            Span(bucket > 1 ? " (averaged over \(bucket) s)" : "", .dim),
            Span("  \(clock.timeOfDay(Double(first))) – \(clock.timeOfDay(Double(last + bucket)))", .dim),
            Span("  \(storm.attempts) attempts, \(storm.opens) opens", .dim),
        ])
        let graphWidth = max(10, min(120, width - 30))
        for (label, values) in [
            ("attempts ", storm.timeline.mapValues { Double($0.attempts) / Double(bucket) }),
            ("opens    ", storm.timeline.mapValues { Double($0.opens) / Double(bucket) }),
        ] {
            let columns = self.columns(values, bucketSeconds: bucket, from: first, through: last, count: graphWidth)
            let peak = columns.max() ?? 0
            lines.append([
                Span("  " + label, .dim), Span(Sparkline.render(columns, peak: peak), .sparkline),
                Span(" peak \(Units.rate(peak))/s", .dim),
            ])
        }
        if let herding = storm.herding() {
            lines.append([
                Span("⚠ synchronised retries: ", .warning),
                Span(
                    "\(herding.attempts) of the \(herding.nearby) retries within half a second of "
                        + "\(clock.timeOfDay(herding.windowStart)) (\(Int((herding.share * 100).rounded())) %) "
                        + "landed in its 100 ms: clients retry in step (no jitter?)",
                    .warning
                ),
            ])
        } else {
            lines.append([
                Span(
                    "no synchronised retries (no 100 ms holds more than half the retries within half a second of it)",
                    .dim
                )
            ])
        }
        lines.append([])
        lines.append([Span("Reconnect delays", .tableHeader), Span("  (\(storm.reconnectDelays.total))", .dim)])
        lines += self.histogram(storm.reconnectDelays)
        lines.append([Span("Connection lifetimes", .tableHeader), Span("  (\(storm.lifetimes.total))", .dim)])
        lines += self.histogram(storm.lifetimes)
        lines.append([])
        lines.append([Span("Close causes", .tableHeader)])
        if storm.causes.isEmpty { lines.append([Span("  no connection has ended", .dim)]) }
        for (key, group) in storm.causes.sorted(by: { ($1.value.count, $0.key) < ($0.value.count, $1.key) }) {
            var spans = [
                Span(self.count(group.count), .text), Span(key.cause.words(code: key.code), .closeUnclean),
            ]
            if let silence = storm.commonSilence(of: key) {
                let (seconds, count) = (silence.seconds, silence.count)
                spans.append(
                    Span(
                        " · \(count) silent for \(seconds) s before the cut: an idle timeout of \(seconds) s in a proxy or load balancer?",
                        .warning
                    )
                )
            } else if let hint = key.cause.hint(code: key.code, silentFor: nil) {
                spans.append(Span(" · " + hint, .dim))
            }
            lines.append(spans)
        }
        lines.append([Span("Handshake failures", .tableHeader)])
        let failures =
            view.rejectionStatuses.map { (count: $0.value, words: "HTTP \($0.key)", status: $0.key) }
            + view.failures.map { (count: $0.value, words: $0.key.label, status: 0) }
        if failures.isEmpty { lines.append([Span("  none", .dim)]) }
        for failure in failures.sorted(by: { ($1.count, $0.words) < ($0.count, $1.words) }) {
            var spans = [Span(self.count(failure.count)), Span(failure.words, .error)]
            if failure.status > 0,
                let hint = CloseCause.handshakeRejected.hint(code: UInt16(failure.status), silentFor: nil)
            {
                spans.append(Span(" · " + hint, .dim))
            }
            lines.append(spans)
        }
        return lines
    }

    /// "  312× ".
    private static func count(_ count: Int) -> String {
        let text = "\(count)×"
        return String(repeating: " ", count: max(2, 8 - text.count)) + text + " "
    }

    /// The run's buckets (keyed by their first second) in `count` columns, each the highest
    /// bucket it covers.
    private static func columns(
        _ values: [Int64: Double],
        bucketSeconds: Int64,
        from first: Int64,
        through last: Int64,
        count: Int
    ) -> [Double] {
        let span = Int((last - first) / bucketSeconds) + 1
        let perColumn = max(1, (span + count - 1) / count)
        var columns = Array(repeating: 0.0, count: (span + perColumn - 1) / perColumn)
        for (second, value) in values {
            let column = Int((second - first) / bucketSeconds) / perColumn
            columns[column] = max(columns[column], value)
        }
        return columns
    }

    private static func histogram(_ histogram: StormStats.Histogram) -> [[Span]] {
        let peak = histogram.counts.max() ?? 0
        guard peak > 0 else { return [[Span("  none yet", .dim)]] }
        var lines: [[Span]] = []
        var lower = 0.0
        for (index, count) in histogram.counts.enumerated() {
            let label: String
            if index < histogram.bounds.count {
                label = "\(Units.duration(lower))–\(Units.duration(histogram.bounds[index]))"
                lower = histogram.bounds[index]
            } else {
                label = "≥ \(Units.duration(lower))"
            }
            let bar = String(repeating: "█", count: count == 0 ? 0 : max(1, count * 30 / peak))
            lines.append([
                Span("  " + label + String(repeating: " ", count: max(1, 14 - label.count)), .dim),
                Span(bar, .sparkline), Span(count == 0 ? "" : " \(count)", .text),
            ])
        }
        return lines
    }

    /// The lines as plain text (peer text escaped), for `wsmon report`.
    public static func text(_ view: StormView, width: Int = 100, utcOffsetSeconds: Int = 0) -> String {
        self.lines(view, width: width, clock: ClockFormat(utcOffsetSeconds: utcOffsetSeconds))
            .map { $0.map { $0.isPeerText ? SafeText.escaped($0.text) : $0.text }.joined() }
            .joined(separator: "\n") + "\n"
    }
}
