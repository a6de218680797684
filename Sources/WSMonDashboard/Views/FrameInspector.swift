import WSMonCore
import WSMonMonitor

/// The lower half of the focused Frames pane: the frame under the cursor, whole. A kept
/// message (received or sent) is shown in full, any text wrapped (or cut and scrolled
/// sideways: W), its JSON pretty-printed (J), binary as a hex dump; otherwise the preview
/// and why only that much is known.
enum FrameInspector {
    static func draw(
        _ detail: SessionDetail,
        frameNumber: Int,
        model: DashboardModel,
        clock: ClockFormat,
        rows: Range<Int>,
        into grid: inout CellGrid
    ) {
        let entry = detail.frames[frameNumber - detail.framesOverflowed]
        let record = entry.record
        grid.put(String(repeating: "┄", count: grid.width), x: 0, y: rows.lowerBound, style: CellStyle(.border))
        let title = [
            Span(" frame \(frameNumber + 1) ", .tabActive),
            Span(
                " \(record.direction == .inbound ? "received" : "sent") \(clock.timeOfDay(entry.time)) · \(record.length) bytes · \(FrameLogTab.opcodeName(record.opcode)) · connection \(entry.connection) · FIN \(record.fin ? 1 : 0) · RSV \(record.rsv) · \(record.masked ? "masked" : "unmasked") ",
                .dim
            ),
        ]
        grid.drawCut(title, x: 1, y: rows.lowerBound, limit: grid.width - 1)
        let width = grid.width - 2
        let body = self.body(of: entry, frameNumber: frameNumber, detail: detail, prettyJSON: model.prettyJSON)
        let view = model.frameView
        let lines: [[Span]]
        if view.wrapsLines {
            lines = body.flatMap { SpanLayout.wrap($0, width: width) }
        } else {
            lines = body.map { line in
                // Room for the ‹ of a line scrolled sideways and the › of one cut.
                let room = width - 1 - (view.sideways > 0 ? 1 : 0)
                let (spans, isCut) = SpanLayout.window(line, from: view.sideways, width: room)
                let left: [Span] = view.sideways > 0 ? [Span("‹", .dim)] : []
                return left + spans + (isCut ? [Span("›", .dim)] : [])
            }
        }
        DetailView.drawLines(
            lines,
            rows: (rows.lowerBound + 1)..<rows.upperBound,
            scroll: model.detailScroll,
            into: &grid
        )
    }

    /// The frame's content as lines, before wrapping.
    static func body(of entry: FrameLogEntry, frameNumber: Int, detail: SessionDetail, prettyJSON: Bool) -> [[Span]] {
        let record = entry.record
        if entry.rejected {
            let violation = self.violation(of: entry, in: detail) ?? "it broke the protocol"
            var lines: [[Span]] = [
                [Span("✗ rejected: ", .violation), Span(violation, .text, peer: true)],
                [
                    Span(
                        "the connection was failed at this frame, so its payload (\(record.length) bytes) was not read",
                        .dim
                    )
                ],
            ]
            lines += HexDump.lines(record.preview.bytes).map { [Span($0, .text)] }
            return lines
        }
        if let message = detail.messages.last(where: { $0.frameNumber == frameNumber }) {
            var lines: [[Span]]
            switch message.content {
            case .text(let text):
                if prettyJSON, let pretty = JSONLayout.pretty(text) {
                    lines = pretty.map { [Span($0, .text, peer: true)] }
                } else {
                    lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                        [Span(String($0), .text, peer: true)]
                    }
                    if prettyJSON { lines.insert([Span("(not JSON: shown as received)", .dim)], at: 0) }
                }
            case .binary(let bytes):
                lines = HexDump.lines(bytes).map { [Span($0, .text)] }
            }
            if message.truncated {
                lines.append([Span("… \(message.size) bytes in all; the first \(message.keptBytes) are kept", .dim)])
            }
            return lines
        }
        let bytes = record.preview.bytes
        var lines = HexDump.lines(bytes).map { [Span($0, .text)] }
        if let text = FrameLogTab.text(bytes[...]), record.opcode != .binary, !bytes.isEmpty {
            lines.insert([Span(text, .text, peer: true)], at: 0)
        }
        let whole = UInt64(bytes.count) == record.length
        let note: String
        if !record.fin || record.opcode == .continuation && !whole {
            note = "a fragment: its message is shown at its last frame (FIN) when kept"
        } else if record.opcode.isControl {
            note = whole ? "" : "the first \(bytes.count) of \(record.length) bytes"
        } else if whole {
            note = ""
        } else {
            note =
                "the first \(bytes.count) of \(record.length) bytes: this message came before the session was selected (whole messages are kept from then on)"
        }
        if !note.isEmpty { lines.append([Span(note, .dim)]) }
        return lines
    }

    /// The violation a rejected frame committed: the first one its connection recorded at
    /// or after the frame.
    static func violation(of entry: FrameLogEntry, in detail: SessionDetail) -> String? {
        for timeline in detail.closeTimelines where timeline.connection == Int(entry.connection) {
            for step in timeline.steps where step.time >= entry.time {
                if case .violation(_, let description) = step.kind { return description }
            }
        }
        return nil
    }
}

extension MessageLogEntry {
    /// Bytes of the message the log kept.
    var keptBytes: Int {
        switch self.content {
        case .text(let text): return text.utf8.count
        case .binary(let bytes): return bytes.count
        }
    }
}
