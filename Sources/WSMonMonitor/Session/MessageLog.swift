import NIOCore
import WSMonClient
import WSMonCore

/// One message of the watched session, received or sent, kept whole (up to a limit) so
/// that the frame inspector can show it in full, pretty-print its JSON, copy or write it.
public struct MessageLogEntry: Hashable, Sendable {
    public enum Content: Hashable, Sendable {
        case text(String)
        case binary([UInt8])
    }

    /// Seconds since 1970.
    public var time: Double
    public var connection: Int
    /// The number of the frame that completed it, counting every frame the session logged
    /// (the frame ring's entry `n - framesOverflowed`).
    public var frameNumber: Int
    public var direction: FrameRecord.Direction
    public var content: Content
    /// The message's full size in bytes.
    public var size: Int
    public var truncated: Bool

    public init(
        time: Double,
        connection: Int,
        frameNumber: Int,
        direction: FrameRecord.Direction = .inbound,
        content: Content,
        size: Int,
        truncated: Bool
    ) {
        self.time = time
        self.connection = connection
        self.frameNumber = frameNumber
        self.direction = direction
        self.content = content
        self.size = size
        self.truncated = truncated
    }
}

/// The last messages of the one session being watched, both directions. Only that session
/// keeps one, so the cost is paid once, not per session; a byte budget bounds it however
/// large the messages are.
package struct MessageLog {
    static let capacity = 200
    /// Longest text kept whole: a 70,000-byte one-line message is read whole.
    package static let textLimit = 1024 * 1024
    package static let binaryLimit = 64 * 1024
    /// What the kept messages may add up to; the oldest go first.
    static let byteBudget = 16 * 1024 * 1024

    private(set) var entries = CircularBuffer<MessageLogEntry>()
    private var keptBytes = 0

    mutating func append(
        _ message: OutgoingMessage,
        direction: FrameRecord.Direction,
        time: Double,
        connection: Int,
        frameNumber: Int
    ) {
        let content: MessageLogEntry.Content
        let size: Int
        let truncated: Bool
        let kept: Int
        switch message {
        case .text(let text):
            size = text.utf8.count
            truncated = size > Self.textLimit
            content = .text(truncated ? Self.prefix(text, bytes: Self.textLimit) : text)
            kept = min(size, Self.textLimit)
        case .binary(let bytes):
            size = bytes.count
            truncated = size > Self.binaryLimit
            content = .binary(truncated ? Array(bytes.prefix(Self.binaryLimit)) : bytes)
            kept = min(size, Self.binaryLimit)
        }
        while let oldest = self.entries.first,
            self.entries.count >= Self.capacity || self.keptBytes + kept > Self.byteBudget
        {
            self.keptBytes -= oldest.keptBytes
            self.entries.removeFirst()
        }
        self.keptBytes += kept
        self.entries.append(
            MessageLogEntry(
                time: time,
                connection: connection,
                frameNumber: frameNumber,
                direction: direction,
                content: content,
                size: size,
                truncated: truncated
            )
        )
    }

    var recent: [MessageLogEntry] { Array(self.entries) }

    /// The longest prefix of `text` within `bytes` UTF-8 bytes that ends on a scalar.
    package static func prefix(_ text: String, bytes: Int) -> String {
        let utf8 = text.utf8
        var end = utf8.index(utf8.startIndex, offsetBy: bytes)
        while end > utf8.startIndex && utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
        return String(text[..<end])
    }
}

extension MessageLogEntry {
    fileprivate var keptBytes: Int {
        switch self.content {
        case .text(let text): return text.utf8.count
        case .binary(let bytes): return bytes.count
        }
    }
}

extension OutgoingMessage {
    /// A received message event as the message it carries.
    init?(_ event: WebSocketEvent) {
        switch event {
        case .text(let text): self = .text(text)
        case .binary(let bytes): self = .binary(bytes)
        default: return nil
        }
    }
}
