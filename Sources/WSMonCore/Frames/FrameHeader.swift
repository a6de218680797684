/// The fixed part of a frame (RFC 6455 §5.2), as decoded from the wire.
public struct FrameHeader: Hashable, Sendable {
    public var fin: Bool
    public var rsv: UInt8
    public var opcode: Opcode
    public var maskingKey: UInt32?
    public var payloadLength: UInt64

    public init(fin: Bool, rsv: UInt8 = 0, opcode: Opcode, maskingKey: UInt32? = nil, payloadLength: UInt64) {
        self.fin = fin
        self.rsv = rsv
        self.opcode = opcode
        self.maskingKey = maskingKey
        self.payloadLength = payloadLength
    }

    /// Bytes the header takes on the wire.
    public var encodedSize: Int {
        let lengthSize = self.payloadLength < 126 ? 0 : (self.payloadLength <= 0xFFFF ? 2 : 8)
        return 2 + lengthSize + (self.maskingKey == nil ? 0 : 4)
    }

    /// Appends the header, with the length in its minimal encoding.
    public func encode(into bytes: inout [UInt8]) {
        bytes.append((self.fin ? 0x80 : 0) | (self.rsv & 0x7) << 4 | self.opcode.rawValue)
        let maskBit: UInt8 = self.maskingKey == nil ? 0 : 0x80
        switch self.payloadLength {
        case 0..<126:
            bytes.append(maskBit | UInt8(self.payloadLength))
        case 126...0xFFFF:
            bytes.append(maskBit | 126)
            bytes.append(UInt8(self.payloadLength >> 8))
            bytes.append(UInt8(self.payloadLength & 0xFF))
        default:
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: self.payloadLength >> UInt64(shift)))
            }
        }
        if let key = self.maskingKey {
            bytes.append(UInt8(key >> 24))
            bytes.append(UInt8((key >> 16) & 0xFF))
            bytes.append(UInt8((key >> 8) & 0xFF))
            bytes.append(UInt8(key & 0xFF))
        }
    }
}
