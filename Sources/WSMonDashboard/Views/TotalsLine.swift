import WSMonMonitor

/// The header's second row: rates, close codes, rejections and failures, fitted to the
/// width. What does not fit gives way in a stated order (README, "The dashboard"): the
/// byte rates first (out, then in), then the sent messages, then the lists lose their
/// rarest entries (a `+N` says how many), then the reconnect rate; a line still too long
/// is cut with "…".
enum TotalsLine {
    struct Counted {
        var label: String
        var role: Role
        var count: Int
    }

    static func spans(_ totals: Totals, width: Int) -> [Span] {
        var lists: [(title: String, entries: [Counted], shown: Int)] = [
            (
                "closes",
                totals.closeCodes.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.map {
                    Counted(
                        label: "\($0.key)",
                        role: $0.key == 1000 || $0.key == 1001 ? .closeClean : .closeUnclean,
                        count: $0.value
                    )
                },
                0
            ),
            (
                "rejected",
                totals.rejectionStatuses.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.map {
                    Counted(label: "\($0.key)", role: .error, count: $0.value)
                },
                0
            ),
            (
                "failed",
                totals.failures.sorted {
                    $0.value == $1.value ? $0.key.rawValue < $1.key.rawValue : $0.value > $1.value
                }
                .map { Counted(label: $0.key.label, role: .error, count: $0.value) },
                0
            ),
        ]
        for index in lists.indices { lists[index].shown = lists[index].entries.count }
        var dropped = Set<String>()
        func line() -> [Span] {
            var spans: [Span] = [
                Span("in ", .dim), Span(Units.rate(totals.rates1s.messagesIn), .frameIn), Span(" msg/s", .dim),
            ]
            if !dropped.contains("in B/s") {
                spans += [Span(" "), Span(Units.byteRate(totals.rates1s.bytesIn), .frameIn)]
            }
            if !dropped.contains("out msg/s") {
                spans += [
                    Span("   out ", .dim), Span(Units.rate(totals.rates1s.messagesOut), .frameOut),
                    Span(" msg/s", .dim),
                ]
                if !dropped.contains("out B/s") {
                    spans += [Span(" "), Span(Units.byteRate(totals.rates1s.bytesOut), .frameOut)]
                }
            }
            if !dropped.contains("reconnects") {
                spans += [
                    Span("   reconnects ", .dim),
                    Span(Units.rate(totals.reconnectsPerSecond) + "/s", .stateReconnecting),
                ]
            }
            for list in lists where !list.entries.isEmpty {
                spans.append(Span("   \(list.title)", .dim))
                for entry in list.entries.prefix(list.shown) {
                    spans += [Span(" "), Span(entry.label, entry.role), Span("×\(entry.count)", .dim)]
                }
                let hidden = list.entries.count - list.shown
                if hidden > 0 { spans.append(Span(" +\(hidden)", .dim)) }
            }
            return spans
        }
        func fits() -> Bool { line().reduce(0) { $0 + $1.width } <= width }
        for part in ["out B/s", "in B/s", "out msg/s"] where !fits() { dropped.insert(part) }
        // The lists give up their rarest entry, the longest list first, down to one each.
        while !fits() {
            guard
                let longest = lists.indices.filter({ lists[$0].shown > 1 }).max(by: {
                    lists[$0].shown < lists[$1].shown
                })
            else { break }
            lists[longest].shown -= 1
        }
        if !fits() { dropped.insert("reconnects") }
        return line()
    }
}
