import FoundationEssentials
import WSMonMonitor

/// Taking a message out: `y` copies it to the clipboard, `w` writes it (or the frame log)
/// to a file as JSON Lines. The model prepares both; the loop does the I/O.
extension DashboardModel {
    /// The frame the Frames pane's cursor is on, while the pane is focused.
    var inspectedFrame: (number: Int, entry: FrameLogEntry, detail: SessionDetail)? {
        guard self.context == .framesPane, let detail = self.frameLogDetail,
            let number = self.cursorFrame(in: detail, shown: self.frameView.shownFrames(of: detail))
        else { return nil }
        return (number, detail.frames[number - detail.framesOverflowed], detail)
    }

    mutating func copySelectedMessage() {
        guard let (number, entry, detail) = self.inspectedFrame else {
            self.setStatus("no frame to copy", isError: true)
            return
        }
        var text: String
        var what: String
        if let message = detail.messagesByFrame[number] {
            switch message.content {
            case .text(let content):
                text = content
                what = "text"
            case .binary(let bytes):
                text = FrameLogExport.hex(bytes)
                what = "binary (as hex)"
            }
            let kept = message.truncated ? "the first \(Units.count(text.utf8.count)) of " : ""
            what += ", \(kept)\(message.size) bytes"
        } else {
            let bytes = entry.record.preview.bytes
            if entry.record.opcode != .binary, let decoded = String(validating: bytes, as: UTF8.self) {
                (text, what) = (decoded, "text")
            } else {
                (text, what) = (FrameLogExport.hex(bytes), "as hex")
            }
            what += ", the \(bytes.count) of \(entry.record.length) bytes kept"
        }
        self.outputs.append(.copy(base64: Data(text.utf8).base64EncodedString()))
        let preview = text.count > 24 ? String(text.prefix(24)) + "…" : text
        self.setStatus("copied frame \(number + 1) (\(what)) with OSC 52: “\(preview)”")
    }

    mutating func promptForWrite() {
        if let (number, entry, detail) = self.inspectedFrame {
            let contents: [UInt8]
            let what: String
            if let message = detail.messagesByFrame[number] {
                contents = FrameLogExport.message(message, of: detail)
                what = "frame \(number + 1)'s message (\(message.size) bytes)"
            } else {
                contents = FrameLogExport.frame(entry, of: detail)
                what = "frame \(number + 1) (its message was not kept)"
            }
            let target = Prompt.WriteTarget(what: what, contents: contents)
            self.prompt = Prompt(.write(target), text: "wsmon-\(detail.summary.id)-frame-\(number + 1).jsonl")
            return
        }
        guard let detail = self.frameLogDetail else {
            self.setStatus("no session's frame log to write yet", isError: true)
            return
        }
        let frames = detail.frames.count
        let target = Prompt.WriteTarget(
            what: "#\(detail.summary.id)'s frame log (\(frames) frame\(frames == 1 ? "" : "s"))",
            contents: FrameLogExport.frameLog(of: detail)
        )
        self.prompt = Prompt(.write(target), text: "wsmon-\(detail.summary.id)-frames.jsonl")
    }

    /// What the loop reports after writing a file.
    mutating func wrote(_ what: String, to path: String, bytes: Int, error: String?) {
        if let error {
            self.setStatus("cannot write \(path): \(error)", isError: true)
        } else {
            self.setStatus("wrote \(what) to \(path) (\(Units.bytes(bytes)), JSON Lines)")
        }
    }

    /// Takes the outputs the last keys asked for.
    public mutating func takeOutputs() -> [DashboardOutput] {
        defer { self.outputs.removeAll() }
        return self.outputs
    }
}
