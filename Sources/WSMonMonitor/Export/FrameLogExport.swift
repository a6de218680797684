import FoundationEssentials
import WSMonCore

/// A session's frame log, or one message, as JSON Lines: what the dashboard's `w` writes.
/// Lines read like `--headless --frames` output (same events and fields), with the whole
/// message in `text` (or `hex`) where the watched session kept it.
package enum FrameLogExport {
    /// Every frame in the log, oldest first, each completed message after its last frame.
    package static func frameLog(of detail: SessionDetail) -> [UInt8] {
        let messagesByFrame = Dictionary(detail.messages.map { ($0.frameNumber, $0) }, uniquingKeysWith: { $1 })
        var stamp = JSONObject.SecondStamp()
        var output: [UInt8] = []
        for (offset, entry) in detail.frames.enumerated() {
            output += self.frameLine(entry, detail: detail, stamp: &stamp)
            if let message = messagesByFrame[detail.framesOverflowed + offset] {
                output += self.messageLine(message, detail: detail, stamp: &stamp)
            }
        }
        return output
    }

    /// One frame's line (a frame whose message was not kept).
    package static func frame(_ entry: FrameLogEntry, of detail: SessionDetail) -> [UInt8] {
        var stamp = JSONObject.SecondStamp()
        return self.frameLine(entry, detail: detail, stamp: &stamp)
    }

    /// One message, whole as kept.
    package static func message(_ message: MessageLogEntry, of detail: SessionDetail) -> [UInt8] {
        var stamp = JSONObject.SecondStamp()
        return self.messageLine(message, detail: detail, stamp: &stamp)
    }

    private static func start(
        _ time: Double,
        connection: Int,
        detail: SessionDetail,
        stamp: inout JSONObject.SecondStamp
    ) -> JSONObject {
        var json = JSONObject()
        json.addTimestamp("time", Date(timeIntervalSince1970: time), reusing: &stamp)
        json.add("session", detail.summary.id)
        json.add("name", detail.texts.name)
        json.add("connection", connection)
        return json
    }

    private static func frameLine(
        _ entry: FrameLogEntry,
        detail: SessionDetail,
        stamp: inout JSONObject.SecondStamp
    ) -> [UInt8] {
        let record = entry.record
        var json = self.start(entry.time, connection: Int(entry.connection), detail: detail, stamp: &stamp)
        json.add("event", "frame")
        json.add("direction", record.direction == .inbound ? "in" : "out")
        json.add("opcode", "\(record.opcode)".lowercased())
        json.add("fin", record.fin)
        json.add("rsv", Int(record.rsv))
        json.add("masked", record.masked)
        json.add("size", record.length)
        let preview = record.preview.bytes
        json.add("preview_hex", self.hex(preview))
        if record.length > UInt64(preview.count) { json.add("truncated", true) }
        if entry.rejected { json.add("rejected", true) }
        return json.line()
    }

    private static func messageLine(
        _ message: MessageLogEntry,
        detail: SessionDetail,
        stamp: inout JSONObject.SecondStamp
    ) -> [UInt8] {
        var json = self.start(message.time, connection: message.connection, detail: detail, stamp: &stamp)
        json.add("event", message.direction == .inbound ? "message" : "message_sent")
        switch message.content {
        case .text(let text):
            json.add("opcode", "text")
            json.add("size", message.size)
            json.add("text", text)
        case .binary(let bytes):
            json.add("opcode", "binary")
            json.add("size", message.size)
            json.add("hex", self.hex(bytes))
        }
        if message.truncated { json.add("truncated", true) }
        return json.line()
    }

    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
