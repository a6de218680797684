import WSMonCore
import WSMonMonitor

/// The frame log: one line per frame, newest at the bottom. With the detail pane focused,
/// a cursor picks a frame and the lower half shows it whole: the message text, its JSON
/// pretty-printed (J), or a hex dump.
enum FrameLogTab {
    static func draw(_ model: DashboardModel, clock: ClockFormat, rows: Range<Int>, into grid: inout CellGrid) {
        guard let detail = model.frameLogDetail else { return }
        guard !detail.frames.isEmpty else {
            grid.put("no frames yet", x: 2, y: rows.lowerBound, style: CellStyle(.dim))
            return
        }
        let first = detail.framesOverflowed
        let last = first + detail.frames.count - 1
        let cursor = model.focus == .detail ? min(max(first, model.frameCursor ?? last), last) : nil
        var listRows = rows
        if let cursor, rows.count >= 8 {
            let split = rows.lowerBound + rows.count / 2
            listRows = rows.lowerBound..<split
            self.drawInspector(
                detail,
                frameNumber: cursor,
                model: model,
                clock: clock,
                rows: split..<rows.upperBound,
                into: &grid
            )
        }
        // The newest frame on the last line; a cursor mid-list, with what follows it in view.
        let top =
            cursor.map { max(first, min($0 - listRows.count / 2, last - listRows.count + 1)) }
            ?? max(first, last - listRows.count + 1)
        for (offset, y) in listRows.enumerated() {
            let number = top + offset
            guard number <= last else { break }
            let entry = detail.frames[number - first]
            let selected = number == cursor
            if selected { grid.fill(y: y, style: CellStyle(.text, selected: true)) }
            grid.draw(self.line(entry, clock: clock), x: 1, y: y, limit: grid.width - 1, selected: selected)
        }
        if detail.framesOverflowed > 0 && cursor == nil {
            let note = " \(detail.framesOverflowed) older frames dropped (ring of \(detail.frameLogCapacity)) "
            grid.put(note, x: max(1, grid.width - note.count - 1), y: rows.lowerBound, style: CellStyle(.dim))
        }
    }

    static func line(_ entry: FrameLogEntry, clock: ClockFormat) -> [Span] {
        let record = entry.record
        let inbound = record.direction == .inbound
        let role: Role = record.opcode.isControl ? .frameControl : inbound ? .frameIn : .frameOut
        var flags = record.fin ? "FIN" : "···"
        if record.rsv != 0 { flags += " RSV\(record.rsv)" }
        if record.masked { flags += " M" }
        return [
            Span(clock.timeOfDay(entry.time) + " ", .dim),
            Span(inbound ? "← " : "→ ", role),
            Span(self.pad(self.opcodeName(record.opcode), 7), role),
            Span(self.pad(flags, 11), record.rsv != 0 || (inbound && record.masked) ? .violation : .dim),
            Span(self.pad(Units.bytes(record.length), 8, right: true) + "  ", .text),
        ] + self.preview(record)
    }

    static func opcodeName(_ opcode: Opcode) -> String {
        opcode.description.lowercased()
    }

    /// The frame's preview: text as text (escaped), Close as code and reason, the rest hex.
    static func preview(_ record: FrameRecord) -> [Span] {
        let bytes = record.preview.bytes
        let more = record.length > UInt64(bytes.count) ? "…" : ""
        switch record.opcode {
        case .close:
            guard bytes.count >= 2 else { return [Span("(no code)", .dim)] }
            let code = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
            return [
                Span("\(code) ", .frameControl), Span(self.text(bytes.dropFirst(2)) ?? "", .text, peer: true),
                Span(more, .dim),
            ]
        case .binary:
            return [Span(HexDump.inline(bytes) + more, .dim)]
        case .ping, .pong:
            // Keepalive payloads are usually random bytes: text only when plainly text.
            guard !bytes.isEmpty, bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) else {
                return [Span(HexDump.inline(bytes) + more, .dim)]
            }
            return [Span(String(decoding: bytes, as: UTF8.self), .text), Span(more, .dim)]
        default:
            if let text = self.text(bytes[...]) { return [Span(text, .text, peer: true), Span(more, .dim)] }
            return [Span(HexDump.inline(bytes) + more, .dim)]
        }
    }

    /// The bytes as UTF-8 text, allowing a character cut off at the end; nil when not text.
    static func text(_ bytes: ArraySlice<UInt8>) -> String? {
        var end = bytes.endIndex
        // Drop up to three bytes of a sequence the preview cut short.
        for _ in 0..<3 where end > bytes.startIndex && bytes[end - 1] & 0xC0 == 0x80 { end -= 1 }
        if end > bytes.startIndex && bytes[end - 1] >= 0xC0 { end -= 1 }
        let candidate = bytes[bytes.startIndex..<end]
        guard let text = String(validating: candidate, as: UTF8.self) else {
            return String(validating: bytes, as: UTF8.self)
        }
        return text
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }

    private static func drawInspector(
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
                " \(record.direction == .inbound ? "received" : "sent") \(clock.timeOfDay(entry.time)) · connection \(entry.connection) · \(self.opcodeName(record.opcode)) · FIN \(record.fin ? 1 : 0) · RSV \(record.rsv) · \(record.masked ? "masked" : "unmasked") · \(record.length) bytes ",
                .dim
            ),
        ]
        grid.draw(title, x: 1, y: rows.lowerBound, limit: grid.width - 1)
        let body = self.body(of: entry, detail: detail, frameNumber: frameNumber, prettyJSON: model.prettyJSON)
        DetailView.drawLines(
            body,
            rows: (rows.lowerBound + 1)..<rows.upperBound,
            scroll: model.detailScroll,
            into: &grid
        )
    }

    /// The whole message when the session was watched as it arrived, else the preview.
    static func body(of entry: FrameLogEntry, detail: SessionDetail, frameNumber: Int, prettyJSON: Bool) -> [[Span]] {
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
            if message.truncated { lines.append([Span("… \(message.size) bytes in all; the start is kept", .dim)]) }
            return lines
        }
        let bytes = entry.record.preview.bytes
        var lines = HexDump.lines(bytes).map { [Span($0, .text)] }
        if let text = self.text(bytes[...]), entry.record.opcode != .binary {
            lines.insert([Span(text, .text, peer: true)], at: 0)
        }
        let note =
            entry.record.direction == .inbound && !entry.record.opcode.isControl
            ? "the first \(bytes.count) of \(entry.record.length) bytes: whole messages are kept from when a session is selected"
            : "the first \(bytes.count) of \(entry.record.length) bytes"
        lines.append([Span(note, .dim)])
        return lines
    }
}
