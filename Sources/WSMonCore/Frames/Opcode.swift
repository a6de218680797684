/// A frame opcode (RFC 6455 §5.2). Unknown values are representable so that a peer's
/// violation can be recorded exactly as it arrived.
public struct Opcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue & 0x0F
    }

    public static let continuation = Opcode(rawValue: 0x0)
    public static let text = Opcode(rawValue: 0x1)
    public static let binary = Opcode(rawValue: 0x2)
    public static let close = Opcode(rawValue: 0x8)
    public static let ping = Opcode(rawValue: 0x9)
    public static let pong = Opcode(rawValue: 0xA)

    /// Control opcodes have the high bit of the nibble set (RFC 6455 §5.5).
    public var isControl: Bool { self.rawValue & 0x8 != 0 }

    /// 0x3–0x7 and 0xB–0xF are reserved; without a negotiated extension they are a violation.
    public var isKnown: Bool {
        switch self.rawValue {
        case 0x0, 0x1, 0x2, 0x8, 0x9, 0xA: return true
        default: return false
        }
    }

    public var description: String {
        switch self.rawValue {
        case 0x0: return "CONT"
        case 0x1: return "TEXT"
        case 0x2: return "BINARY"
        case 0x8: return "CLOSE"
        case 0x9: return "PING"
        case 0xA: return "PONG"
        default: return "OP\(self.rawValue)"
        }
    }
}
