/// A compact description of one frame on the wire, in or out. Cheap enough to produce for
/// every frame: no allocation, the payload kept only as a bounded preview.
public struct FrameRecord: Hashable, Sendable, CustomStringConvertible {
    public enum Direction: UInt8, Hashable, Sendable {
        case inbound
        case outbound
    }

    public var direction: Direction
    public var opcode: Opcode
    public var fin: Bool
    /// The three reserved bits, as a number 0–7.
    public var rsv: UInt8
    public var masked: Bool
    /// The payload length from the frame header, whatever the preview keeps.
    public var length: UInt64
    public var preview: PayloadPreview
    /// `messageSize` in four bytes after the preview, where the record had padding, so
    /// records stay 56 bytes: 0 is nil, otherwise the size plus one.
    private var storedMessageSize: UInt32 = 0

    /// On the last frame of a compressed message: the message's size inflated (received)
    /// or before deflating (sent), capped at 4 GiB; nil on every other frame.
    public var messageSize: UInt64? {
        get { self.storedMessageSize == 0 ? nil : UInt64(self.storedMessageSize - 1) }
        set { self.storedMessageSize = newValue.map { UInt32(min($0, UInt64(UInt32.max - 1))) + 1 } ?? 0 }
    }

    /// Bytes the frame took on the wire, header included.
    public var wireSize: UInt64 {
        let header = FrameHeader(
            fin: self.fin,
            opcode: self.opcode,
            maskingKey: self.masked ? 0 : nil,
            payloadLength: self.length
        )
        return UInt64(header.encodedSize) + self.length
    }

    public init(
        direction: Direction,
        opcode: Opcode,
        fin: Bool,
        rsv: UInt8 = 0,
        masked: Bool,
        length: UInt64,
        preview: PayloadPreview = PayloadPreview(),
        messageSize: UInt64? = nil
    ) {
        self.direction = direction
        self.opcode = opcode
        self.fin = fin
        self.rsv = rsv
        self.masked = masked
        self.length = length
        self.preview = preview
        self.messageSize = messageSize
    }

    public var description: String {
        let arrow = self.direction == .inbound ? "<-" : "->"
        var flags = self.fin ? "FIN" : "..."
        if self.rsv != 0 { flags += " RSV\(self.rsv)" }
        if self.masked { flags += " MASK" }
        let inflated = self.messageSize.map { " (\($0)B inflated)" } ?? ""
        return "\(arrow) \(self.opcode) \(flags) \(self.length)B\(inflated)"
    }
}
