import WSMonCore

/// One received message of the watched session, kept whole (up to a limit) so that the
/// frame log can show it in full or pretty-print its JSON.
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
    public var content: Content
    /// The message's full size in bytes.
    public var size: Int
    public var truncated: Bool

    public init(time: Double, connection: Int, frameNumber: Int, content: Content, size: Int, truncated: Bool) {
        self.time = time
        self.connection = connection
        self.frameNumber = frameNumber
        self.content = content
        self.size = size
        self.truncated = truncated
    }
}

/// The last messages of the one session being watched. Only that session keeps one, so
/// the cost is paid once, not per session.
struct MessageLog {
    static let capacity = 200
    static let textLimit = 64 * 1024
    static let binaryLimit = 4 * 1024

    private(set) var entries: [MessageLogEntry] = []

    mutating func append(_ event: WebSocketEvent, time: Double, connection: Int, frameNumber: Int) {
        let content: MessageLogEntry.Content
        let size: Int
        let truncated: Bool
        switch event {
        case .text(let text):
            size = text.utf8.count
            truncated = size > Self.textLimit
            content = .text(truncated ? Self.prefix(text, bytes: Self.textLimit) : text)
        case .binary(let bytes):
            size = bytes.count
            truncated = size > Self.binaryLimit
            content = .binary(truncated ? Array(bytes.prefix(Self.binaryLimit)) : bytes)
        default:
            return
        }
        if self.entries.count == Self.capacity * 2 { self.entries.removeFirst(Self.capacity) }
        self.entries.append(
            MessageLogEntry(
                time: time,
                connection: connection,
                frameNumber: frameNumber,
                content: content,
                size: size,
                truncated: truncated
            )
        )
    }

    var recent: [MessageLogEntry] { Array(self.entries.suffix(Self.capacity)) }

    /// The longest prefix of `text` within `bytes` UTF-8 bytes that ends on a scalar.
    private static func prefix(_ text: String, bytes: Int) -> String {
        let utf8 = text.utf8
        var end = utf8.index(utf8.startIndex, offsetBy: bytes)
        while end > utf8.startIndex && utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
        return String(text[..<end])
    }
}
