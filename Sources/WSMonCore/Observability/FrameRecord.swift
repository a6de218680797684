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

    public init(
        direction: Direction,
        opcode: Opcode,
        fin: Bool,
        rsv: UInt8 = 0,
        masked: Bool,
        length: UInt64,
        preview: PayloadPreview = PayloadPreview()
    ) {
        self.direction = direction
        self.opcode = opcode
        self.fin = fin
        self.rsv = rsv
        self.masked = masked
        self.length = length
        self.preview = preview
    }

    public var description: String {
        let arrow = self.direction == .inbound ? "<-" : "->"
        var flags = self.fin ? "FIN" : "..."
        if self.rsv != 0 { flags += " RSV\(self.rsv)" }
        if self.masked { flags += " MASK" }
        return "\(arrow) \(self.opcode) \(flags) \(self.length)B"
    }
}
