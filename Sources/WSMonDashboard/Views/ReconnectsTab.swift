import WSMonClient
import WSMonMonitor

/// The session's reconnect history, newest first, under its counters and the time it has
/// spent in each state.
enum ReconnectsTab {
    static func lines(_ detail: SessionDetail, now: Double, clock: ClockFormat) -> [[Span]] {
        let summary = detail.summary
        var lines: [[Span]] = [
            [
                Span("connects ", .dim), Span("\(summary.connects)"), Span("  reconnects ", .dim),
                Span("\(summary.reconnects)", .stateReconnecting), Span("  attempts ", .dim),
                Span("\(summary.attempts)"),
                Span("  consecutive failures ", .dim),
                Span("\(summary.consecutiveFailures)", summary.consecutiveFailures > 0 ? .error : .text),
            ]
        ]
        var times: [Span] = [Span("time in state ", .dim)]
        let timeInState = summary.timeInState(at: now)
        for state in SessionState.allCases where timeInState[state] > 0 {
            times.append(Span(StateLabel.short(state) + " ", StateLabel.role(state)))
            times.append(Span(Units.duration(timeInState[state]) + "  ", .text))
        }
        lines.append(times)
        if let stop = detail.texts.stopReason {
            lines.append([Span("stopped: ", .dim), Span(stop, .text, peer: true)])
        }
        lines.append([])
        guard !detail.reconnectHistory.isEmpty else { return lines + [[Span("no attempts yet", .dim)]] }
        // Newest first: a live history is read from what just happened.
        lines.append([Span("History, newest first", .tableHeader)])
        for entry in detail.reconnectHistory.reversed() {
            lines.append(
                [Span("  " + clock.timeOfDay(entry.time) + " ", .dim), Span("conn \(entry.connection)  ", .dim)]
                    + self.describe(entry.kind)
            )
        }
        return lines
    }

    static func describe(_ kind: ReconnectEntry.Kind) -> [Span] {
        switch kind {
        case .attempt(let attempt):
            return [Span("◌ attempt \(attempt)", .stateConnecting)]
        case .opened(let isReconnect):
            return [Span(isReconnect ? "● reopened" : "● opened (first open)", .stateOpen)]
        case .failed(let name, let detail, let status):
            var spans = [Span("✗ \(name)", .error)]
            if let status { spans.append(Span(" \(status)", .error)) }
            spans.append(Span(" " + detail, .text, peer: true))
            return spans
        case .closed(let code, let reason, let clean):
            var spans = [Span("○ closed \(code)", clean ? .closeClean : .closeUnclean)]
            if !reason.isEmpty { spans += [Span(" “", .dim), Span(reason, .text, peer: true), Span("”", .dim)] }
            spans.append(Span(clean ? " clean" : " unclean", .dim))
            return spans
        case .scheduled(let delay, let attempt, let retryAfter):
            var spans = [Span("↻ next attempt (\(attempt)) in \(Units.duration(delay))", .stateReconnecting)]
            if let retryAfter { spans.append(Span("  Retry-After \(Units.duration(retryAfter))", .warning)) }
            return spans
        case .stopped(let reason):
            return [Span("■ stopped: ", .stateStopped), Span(reason, .text, peer: true)]
        }
    }
}
