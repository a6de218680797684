import WSMonCore
import WSMonMonitor

/// How the frame log is read: which frames it shows, what was searched, and how the
/// inspector lays out a long frame. Kept across sessions, like a log viewer's options.
public struct FrameLogView: Hashable, Sendable {
    public enum Direction: Hashable, Sendable {
        case both, received, sent
    }

    /// Ping, pong and close frames left out.
    public var hidesControl = false
    public var direction = Direction.both
    /// The text `/` looks for (case-insensitive) in a frame's text or its hex.
    public var search: String?
    /// Long lines of the inspected frame wrap; when false they are cut and scroll sideways.
    public var wrapsLines = true
    /// Columns scrolled sideways (cut lines only).
    public var sideways = 0
    /// The newest frame's number when the cursor stopped following, for "N new below".
    public var newestWhenUnfollowed: Int?

    public init() {}

    mutating func selectionChanged() {
        self.sideways = 0
        self.newestWhenUnfollowed = nil
    }

    public func shows(_ record: FrameRecord) -> Bool {
        if self.hidesControl && record.opcode.isControl { return false }
        switch self.direction {
        case .both: return true
        case .received: return record.direction == .inbound
        case .sent: return record.direction == .outbound
        }
    }

    /// What the tab title says about the filter and search, if anything.
    public var titleNote: String? {
        var parts: [String] = []
        if self.hidesControl { parts.append("no ping/pong/close") }
        switch self.direction {
        case .both: break
        case .received: parts.append("← only")
        case .sent: parts.append("→ only")
        }
        if let search = self.search { parts.append("/" + search) }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// The numbers of the frames shown, oldest first (see `MessageLogEntry.frameNumber`).
    public func shownFrames(of detail: SessionDetail) -> [Int] {
        var numbers: [Int] = []
        numbers.reserveCapacity(detail.frames.count)
        for (offset, entry) in detail.frames.enumerated() where self.shows(entry.record) {
            numbers.append(detail.framesOverflowed + offset)
        }
        return numbers
    }

    /// True when frame `number` holds the search text, in its whole message when kept.
    public func matches(_ number: Int, in detail: SessionDetail, messages: [Int: MessageLogEntry]) -> Bool {
        guard let search = self.search?.lowercased(), !search.isEmpty else { return false }
        let entry = detail.frames[number - detail.framesOverflowed]
        if let message = messages[number] {
            switch message.content {
            case .text(let text): return Self.text(text, contains: search)
            case .binary(let bytes): return FrameLogExport.hex(bytes).contains(search)
            }
        }
        let bytes = entry.record.preview.bytes
        if let text = String(validating: bytes, as: UTF8.self), Self.text(text, contains: search) { return true }
        return FrameLogExport.hex(bytes).contains(search)
    }

    /// Case-insensitive `contains` for a lowercased `needle`. An ASCII needle is compared
    /// byte by byte, with no lowercased copy: rows are matched at every redraw, and a kept
    /// message may be a megabyte.
    static func text(_ text: String, contains needle: String) -> Bool {
        guard DisplayWidth.isASCII(needle) else { return text.lowercased().contains(needle) }
        let pattern = Array(needle.utf8)
        var text = text
        return text.withUTF8 { haystack in
            guard haystack.count >= pattern.count else { return false }
            for start in 0...(haystack.count - pattern.count) {
                var offset = 0
                while offset < pattern.count {
                    let byte = haystack[start + offset]
                    let lowered = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    guard lowered == pattern[offset] else { break }
                    offset += 1
                }
                if offset == pattern.count { return true }
            }
            return false
        }
    }
}

extension SessionDetail {
    /// The kept messages by the number of the frame that completed each.
    var messagesByFrame: [Int: MessageLogEntry] {
        Dictionary(self.messages.map { ($0.frameNumber, $0) }, uniquingKeysWith: { $1 })
    }
}
