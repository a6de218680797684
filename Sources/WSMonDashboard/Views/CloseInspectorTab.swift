import WSMonClient
import WSMonCore
import WSMonMonitor

/// The close-handshake inspector: who closed first, what each side sent and when, how
/// long each step took, the close timeout counting down while a handshake is stuck, and
/// what went wrong.
enum CloseInspectorTab {
    static let labelWidth = 16

    static func lines(_ detail: SessionDetail, back: Int, now: Double, clock: ClockFormat) -> [[Span]] {
        let timelines = detail.closeTimelines
        guard !timelines.isEmpty else {
            return [
                [Span("No close handshake yet.", .dim)],
                [Span("It appears here when a Close is sent or received, or the connection ends.", .dim)],
            ]
        }
        let index = max(0, timelines.count - 1 - back)
        let timeline = timelines[index]
        var lines: [[Span]] = [self.heading(timeline, index: index, count: timelines.count, now: now, clock: clock)]
        if let cause = timeline.cause {
            var spans = [Span(cause.words(code: timeline.summary?.code.rawValue), .title)]
            if let hint = timeline.hint { spans.append(Span(" · " + hint, .dim)) }
            lines.append(self.field("Cause", spans))
        }
        lines.append(self.field("Closed first by", self.firstCloser(timeline)))
        lines.append(self.field("Verdict", self.verdict(timeline, detail: detail, now: now)))
        lines.append(self.field("We sent", self.closeFrame(self.sentFrame(timeline), none: "no Close frame")))
        if self.receivedFrame(timeline) == nil, let rejected = self.rejectedClose(timeline) {
            lines.append(
                self.field(
                    "We received",
                    [Span("a Close frame, rejected: ", .violation), Span(rejected, .text, peer: true)]
                )
            )
        } else {
            lines.append(
                self.field("We received", self.closeFrame(self.receivedFrame(timeline), none: "no Close frame"))
            )
        }
        if let summary = timeline.summary {
            let code = summary.code
            var spans = [Span("\(code.rawValue)", summary.wasClean ? .closeClean : .closeUnclean)]
            if let meaning = code.label { spans.append(Span(" (\(meaning))", .dim)) }
            if !summary.reason.isEmpty {
                spans.append(Span(" reason “", .dim))
                spans.append(Span(summary.reason, .text, peer: true))
                spans.append(Span("”", .dim))
            }
            lines.append(self.field("Close code", spans))
            let closer = summary.transportClosedBy == .peer ? "the server" : "wsmon"
            lines.append(self.field("TCP closed by", [Span(closer)]))
            if let error = timeline.transportError {
                lines.append(self.field("Transport error", [Span(error, .error, peer: true)]))
            }
        }
        lines.append([])
        lines.append([Span("Timeline", .tableHeader)])
        lines += self.steps(timeline, clock: clock)
        return lines
    }

    private static func heading(
        _ timeline: CloseTimeline,
        index: Int,
        count: Int,
        now: Double,
        clock: ClockFormat
    ) -> [Span] {
        var spans = [Span("Connection \(timeline.connection)", .title)]
        if let opened = timeline.openedAt {
            spans.append(Span("  opened \(clock.timeOfDay(opened))", .dim))
            let end = timeline.isFinished ? timeline.steps.last?.time ?? now : now
            spans.append(
                Span(" · \(timeline.isFinished ? "lasted" : "open for") \(Units.duration(end - opened))", .dim)
            )
        }
        if count > 1 {
            spans.append(Span("   handshake \(index + 1) of \(count): ", .dim))
            spans.append(Span("[", .key))
            spans.append(Span(" older ", .dim))
            spans.append(Span("]", .key))
            spans.append(Span(" newer", .dim))
        }
        return spans
    }

    private static func field(_ label: String, _ value: [Span]) -> [Span] {
        let padding = String(repeating: " ", count: max(1, self.labelWidth - label.count))
        return [Span(label + padding, .dim)] + value
    }

    private static func firstCloser(_ timeline: CloseTimeline) -> [Span] {
        if let summary = timeline.summary {
            switch summary.initiator {
            case .local:
                guard summary.sent == nil else {
                    return [Span("wsmon", .frameOut), Span(": our Close came first", .dim)]
                }
                // Dropped (x) or given up before any Close: wsmon ended it, without one.
                let how = summary.failure.map { ": it ended the connection without a Close frame (\($0))" }
                return [
                    Span("wsmon", .frameOut),
                    Span(how ?? ": it ended the connection without a Close frame", .dim, peer: true),
                ]
            case .remote: return [Span("the server", .frameIn), Span(": its Close came first", .dim)]
            case .transport: return [Span("nobody", .closeUnclean), Span(": TCP ended without a Close frame", .dim)]
            case .failure:
                return [
                    Span("a failure", .error), Span(": ", .dim),
                    Span(summary.failure.map { "\($0)" } ?? "", .text, peer: true),
                ]
            }
        }
        for step in timeline.steps {
            switch step.kind {
            case .closeSent: return [Span("wsmon", .frameOut), Span(": our Close came first", .dim)]
            case .closeReceived: return [Span("the server", .frameIn), Span(": its Close came first", .dim)]
            case .violation(let name, _):
                return [Span("a failure", .error), Span(": the server committed \(name)", .dim)]
            default: continue
            }
        }
        return [Span("not yet known", .dim)]
    }

    private static func verdict(_ timeline: CloseTimeline, detail: SessionDetail, now: Double) -> [Span] {
        guard let summary = timeline.summary else {
            return self.countdown(timeline, detail: detail, now: now)
        }
        var problems: [String] = []
        if let state = summary.closeTimeoutFiredIn {
            problems.append("the close timeout fired in \(state)")
        }
        if summary.received == nil {
            problems.append(
                self.rejectedClose(timeline) == nil
                    ? "no Close frame arrived (1006)" : "the server's Close frame was invalid (reported as 1006)"
            )
        }
        if summary.sent == nil { problems.append("we sent no Close frame") }
        if let failure = summary.failure { problems.append("\(failure)") }
        let violations = timeline.steps.filter { if case .violation = $0.kind { return true } else { return false } }
        if !violations.isEmpty { problems.append("\(violations.count) violation\(violations.count == 1 ? "" : "s")") }
        if summary.wasClean {
            var spans = [Span("clean", .closeClean), Span(": both Close frames exchanged", .dim)]
            if !problems.isEmpty {
                spans.append(Span("; but " + problems.joined(separator: "; "), .warning, peer: true))
            }
            return spans
        }
        return [Span("unclean", .closeUnclean), Span(": " + problems.joined(separator: "; "), .dim, peer: true)]
    }

    /// While the handshake is in progress: which state it is in and how long is left.
    private static func countdown(_ timeline: CloseTimeline, detail: SessionDetail, now: Double) -> [Span] {
        let state = detail.summary.state
        guard let start = timeline.steps.first?.time else { return [Span("in progress", .dim)] }
        switch state {
        case .closing, .halfClosed:
            let left = detail.closeTimeout - (now - start)
            return [
                Span("in progress: \(StateLabel.short(state)) ", StateLabel.role(state)),
                Span("⏱ close timeout in \(Units.duration(max(0, left)))", .warning),
                Span(" (\(Units.duration(detail.closeTimeout)) from the first step; then TCP is torn down)", .dim),
            ]
        case .closedAwaitingTransport:
            let entered =
                timeline.steps.last { $0.kind == .entered(.closedAwaitingTransport) }?.time ?? start
            let left = detail.transportCloseGrace - (now - entered)
            return [
                Span("both Close frames exchanged; ", StateLabel.role(state)),
                Span("⏱ the server has \(Units.duration(max(0, left))) to close TCP", .warning),
                Span(" before wsmon closes it", .dim),
            ]
        default:
            return [Span("in progress", .dim)]
        }
    }

    /// The violation of a Close frame the server sent but that broke the rules (a code such
    /// as 1005 that may not be sent, a 1-byte payload, a reason that is not UTF-8).
    static func rejectedClose(_ timeline: CloseTimeline) -> String? {
        let closeViolations: Set<String> = [
            "invalid_close_code", "close_payload_too_short", "invalid_utf8_in_close_reason",
        ]
        for step in timeline.steps {
            if case .violation(let name, let detail) = step.kind, closeViolations.contains(name) { return detail }
        }
        return nil
    }

    private static func sentFrame(_ timeline: CloseTimeline) -> (code: UInt16?, reason: String)? {
        if let sent = timeline.summary?.sent { return (sent.code?.rawValue, sent.reason) }
        for step in timeline.steps { if case .closeSent(let code, let reason) = step.kind { return (code, reason) } }
        return nil
    }

    private static func receivedFrame(_ timeline: CloseTimeline) -> (code: UInt16?, reason: String)? {
        if let received = timeline.summary?.received { return (received.code?.rawValue, received.reason) }
        for step in timeline.steps {
            if case .closeReceived(let code, let reason) = step.kind { return (code, reason) }
        }
        return nil
    }

    private static func closeFrame(_ frame: (code: UInt16?, reason: String)?, none: String) -> [Span] {
        guard let frame else { return [Span(none, .dim)] }
        guard let code = frame.code else {
            return [Span("Close with no code", .text), Span(" (reported as 1005)", .dim)]
        }
        var spans = [Span("\(code)", .frameControl)]
        if let meaning = CloseCode(code).label { spans.append(Span(" \(meaning)", .dim)) }
        if !frame.reason.isEmpty {
            spans.append(Span(" “", .dim))
            spans.append(Span(frame.reason, .text, peer: true))
            spans.append(Span("”", .dim))
        }
        return spans
    }

    private static func steps(_ timeline: CloseTimeline, clock: ClockFormat) -> [[Span]] {
        guard let start = timeline.steps.first?.time else { return [] }
        var previous = start
        return timeline.steps.map { step in
            defer { previous = step.time }
            let delta = step.time - previous
            var spans = [
                Span("  " + clock.timeOfDay(step.time) + " ", .dim),
                Span(Units.offset(step.time - start) + "  ", .text),
            ]
            spans += self.describe(step.kind)
            if delta >= 0.0005 { spans.append(Span("   (\(Units.duration(delta)) after the previous step)", .dim)) }
            return spans
        }
    }

    static func describe(_ kind: CloseTimeline.Kind) -> [Span] {
        switch kind {
        case .closeSent(let code, let reason):
            return [Span("→ Close sent      ", .frameOut)] + self.closeFrame((code, reason), none: "")
        case .closeReceived(let code, let reason):
            return [Span("← Close received  ", .frameIn)] + self.closeFrame((code, reason), none: "")
        case .entered(let state):
            return [
                Span(StateLabel.symbol(state) + " " + state.description, StateLabel.role(state)),
                Span("  " + StateLabel.meaning(state), .dim),
            ]
        case .violation(let name, let detail):
            return [Span("✗ \(name)", .violation), Span(" " + detail, .text, peer: true)]
        case .partialMessageDiscarded(let bytes):
            return [Span("✗ partial message discarded", .warning), Span(" (\(bytes) bytes received of it)", .dim)]
        case .closeTimeoutFired(let state):
            return [Span("⏱ close timeout fired", .warning), Span(" in \(state)", .dim)]
        case .transportClosed(let byPeer):
            return byPeer
                ? [Span("✂ TCP closed by the server", .text)] : [Span("✂ TCP closed by wsmon", .text)]
        }
    }
}
