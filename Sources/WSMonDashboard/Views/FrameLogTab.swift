import WSMonClient
import WSMonCore
import WSMonMonitor

/// The frame log, read like a log viewer: a column header, one line per frame (newest at
/// the bottom), a separator where a connection ends, the frames the filter shows, and
/// while the cursor is not following, how many new frames wait below. With the pane
/// focused the lower half shows the frame under the cursor whole (`FrameInspector`).
enum FrameLogTab {
    /// One line of the list.
    enum Item: Hashable {
        case dropped(count: Int, capacity: Int)
        case frame(Int)
        /// Connection `ended` is over; `next` (if any) follows.
        case separator(ended: Int, next: Int?)
    }

    static func draw(_ model: DashboardModel, clock: ClockFormat, rows: Range<Int>, into grid: inout CellGrid) {
        guard let detail = model.frameLogDetail, let headerRow = rows.first else { return }
        self.drawHeader(y: headerRow, into: &grid)
        var rows = (headerRow + 1)..<rows.upperBound
        let shown = model.frameView.shownFrames(of: detail)
        let items = self.items(detail, shown: shown)
        guard !items.isEmpty else {
            let message = detail.frames.isEmpty ? "no frames yet" : "no frame matches the filter (h, d change it)"
            grid.put(message, x: 2, y: rows.lowerBound, style: CellStyle(.dim))
            return
        }
        let cursor = model.focus == .detail ? model.cursorFrame(in: detail, shown: shown) : nil
        if let cursor, rows.count >= 8 {
            let split = rows.lowerBound + rows.count / 2
            FrameInspector.draw(
                detail,
                frameNumber: cursor,
                model: model,
                clock: clock,
                rows: split..<rows.upperBound,
                into: &grid
            )
            rows = rows.lowerBound..<split
        }
        let newBelow =
            model.frameCursor == nil ? 0 : shown.count { $0 > (model.frameView.newestWhenUnfollowed ?? .max) }
        let listRows = newBelow > 0 ? rows.dropLast() : rows[...]
        let cursorIndex = model.frameCursor.flatMap { _ in cursor.flatMap { items.firstIndex(of: .frame($0)) } }
        let count = listRows.count
        let top =
            cursorIndex.map { max(0, min($0 - count / 2, items.count - count)) } ?? max(0, items.count - count)
        let messages = detail.messagesByFrame
        let searching = model.frameView.search != nil
        for (offset, y) in listRows.enumerated() {
            guard top + offset < items.count else { break }
            switch items[top + offset] {
            case .dropped(let dropped, let capacity):
                grid.put(
                    "  \(dropped) older frames dropped (the log keeps the last \(capacity))",
                    x: 1,
                    y: y,
                    style: CellStyle(.dim)
                )
            case .frame(let number):
                let entry = detail.frames[number - detail.framesOverflowed]
                let selected = number == cursor
                if selected { grid.fill(y: y, style: CellStyle(.text, selected: true)) }
                if searching && model.frameView.matches(number, in: detail, messages: messages) {
                    grid.put("•", x: 0, y: y, style: CellStyle(.warning, selected: selected))
                }
                let line = self.line(entry, message: messages[number], clock: clock, width: grid.width - 2)
                grid.drawCut(line, x: 1, y: y, limit: grid.width - 1, selected: selected)
            case .separator(let ended, let next):
                let end = grid.drawCut(
                    self.separator(ended: ended, next: next, detail: detail),
                    x: 1,
                    y: y,
                    limit: grid.width - 1
                )
                let rule = String(repeating: "┄", count: max(0, grid.width - 1 - end))
                grid.put(rule, x: end, y: y, style: CellStyle(.border))
            }
        }
        if newBelow > 0, let y = rows.last {
            grid.put("  ↓ \(newBelow) new below · G follows", x: 1, y: y, style: CellStyle(.warning))
        }
    }

    static let columnTitles = [
        ("time", 13), ("", 2), ("opcode", 7), ("flags", 11), ("size", 8), ("", 2), ("preview", 0),
    ]

    private static func drawHeader(y: Int, into grid: inout CellGrid) {
        grid.fill(y: y, style: CellStyle(.tableHeader))
        var column = 1
        for (title, width) in self.columnTitles {
            let text = title == "size" ? String(repeating: " ", count: width - title.count) + title : title
            grid.put(text, x: column, y: y, style: CellStyle(.tableHeader))
            column += width
        }
    }

    /// The list: the dropped note, frames, and a separator wherever a connection ends.
    static func items(_ detail: SessionDetail, shown: [Int]) -> [Item] {
        var items: [Item] = []
        if detail.framesOverflowed > 0 {
            items.append(.dropped(count: detail.framesOverflowed, capacity: detail.frameLogCapacity))
        }
        let finished = Set(detail.closeTimelines.filter(\.isFinished).map(\.connection))
        var previous: Int?
        for number in shown {
            let connection = Int(detail.frames[number - detail.framesOverflowed].connection)
            if let previous, previous != connection { items.append(.separator(ended: previous, next: connection)) }
            previous = connection
            items.append(.frame(number))
        }
        if let previous {
            if finished.contains(previous) { items.append(.separator(ended: previous, next: nil)) }
        } else {
            // No frame (keepalive off, nothing sent): the connections that ended still show.
            for connection in finished.sorted() { items.append(.separator(ended: connection, next: nil)) }
        }
        return items
    }

    static func separator(ended: Int, next: Int?, detail: SessionDetail) -> [Span] {
        var spans = [Span("┄┄ ", .border), Span("connection \(ended) ended", .text)]
        let timeline = detail.closeTimelines.last { $0.connection == ended }
        if let summary = timeline?.summary {
            spans.append(Span(": ", .dim))
            spans.append(Span("\(summary.code.rawValue)", summary.wasClean ? .closeClean : .closeUnclean))
            // The close's cause, as the inspector and the table name it, once the monitor has.
            let cause = timeline?.cause.map { "(\($0.words(code: summary.code.rawValue)))" } ?? self.cause(summary)
            spans.append(Span(" " + cause, .dim, peer: true))
        }
        if let next { spans += [Span(" ┄┄ ", .border), Span("connection \(next)", .text)] }
        spans.append(Span(" ", .border))
        return spans
    }

    /// Why a connection ended, in a few words.
    static func cause(_ summary: CloseSummary) -> String {
        if let failure = summary.failure { return "(\(failure))" }
        if let state = summary.closeTimeoutFiredIn { return "(close timeout in \(state))" }
        let reason = summary.reason.isEmpty ? "" : " “\(summary.reason)”"
        switch summary.initiator {
        case .local: return "(closed by wsmon\(reason))"
        case .remote: return "(closed by the server\(reason))"
        case .transport: return "(TCP closed without a Close frame)"
        case .failure: return "(failed)"
        }
    }

    static func line(_ entry: FrameLogEntry, message: MessageLogEntry?, clock: ClockFormat, width: Int) -> [Span] {
        let record = entry.record
        let inbound = record.direction == .inbound
        let role: Role = record.opcode.isControl ? .frameControl : inbound ? .frameIn : .frameOut
        var flags = record.fin ? "FIN" : "···"
        // RSV1 alone on an accepted data frame is permessage-deflate's "compressed" bit.
        let compressed = record.rsv == 0b100 && !record.opcode.isControl && !entry.rejected
        if compressed {
            flags += " RSV1"
        } else if record.rsv != 0 {
            flags += " RSV\(record.rsv)"
        }
        if record.masked { flags += " M" }
        var spans = [
            Span(clock.timeOfDay(entry.time) + " ", .dim),
            Span(inbound ? "← " : "→ ", role),
            Span(self.pad(self.opcodeName(record.opcode), 7), role),
            Span(
                self.pad(flags, 11),
                (record.rsv != 0 && !compressed) || (inbound && record.masked) ? .violation : .dim
            ),
            Span(self.pad(Units.bytes(record.length), 8, right: true) + "  ", .text),
        ]
        // A compressed message's last frame: the size on the wire above, inflated here.
        if let size = record.messageSize { spans.append(Span("⇒ \(Units.bytes(size)) ", .frameIn)) }
        if entry.rejected { spans.append(Span("✗ rejected ", .violation)) }
        // The whole message where it was kept: the preview then uses the pane's width.
        if let message, !entry.rejected {
            let room = max(8, width - 43)
            switch message.content {
            case .text(let text):
                let cut = text.utf8.count > room * 4 ? String(text.prefix(room)) + "…" : text
                spans.append(Span(cut, .text, peer: true))
            case .binary(let bytes):
                let shown = bytes.prefix(max(1, room / 3))
                spans.append(Span(HexDump.inline(shown) + (shown.count < bytes.count ? "…" : ""), .dim))
            }
            return spans
        }
        return spans + self.preview(record)
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
            guard bytes.count >= 2 else { return [Span(bytes.isEmpty ? "(no code)" : HexDump.inline(bytes), .dim)] }
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

    /// The bytes as UTF-8 text, without a last character the preview cut short; nil when
    /// not text. A complete last character is kept (`日本語` stays whole).
    static func text(_ bytes: ArraySlice<UInt8>) -> String? {
        var end = bytes.endIndex
        // Find the last character's lead byte, at most three continuation bytes back.
        var lead = end
        while lead > bytes.startIndex, end - lead < 4, bytes[lead - 1] & 0xC0 == 0x80 { lead -= 1 }
        if lead > bytes.startIndex, bytes[lead - 1] >= 0xC0 {
            let first = bytes[lead - 1]
            let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
            if end - (lead - 1) < length { end = lead - 1 }
        }
        return String(validating: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
