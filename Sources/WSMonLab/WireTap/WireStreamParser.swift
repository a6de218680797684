/// Reads one direction of a tapped connection by hand: the HTTP head, then WebSocket frames
/// (RFC 6455 §5.2). It shares no code with wsmon's core, so the two cannot agree on a
/// mistake. It keeps at most a head, a frame header and the first 125 bytes of a payload,
/// so a stream of any length is followed in bounded memory.
struct WireStreamParser {
    enum Output: Equatable {
        case httpLine(String)
        case frame(WireFrame)
    }

    /// A frame's first bytes, decoded.
    private struct Header {
        var opcode: UInt8
        var fin: Bool
        var rsv: UInt8
        var maskKey: [UInt8]?
        var length: UInt64
    }

    private enum Phase {
        /// Collecting the HTTP head, up to its blank line, in `pending`.
        case head
        /// Collecting a frame header (2 to 14 bytes) in `pending`.
        case frameHeader
        /// Inside a payload: what is left of it, and its first bytes, unmasked.
        case payload(Header, remaining: UInt64, kept: [UInt8])
        /// Not a WebSocket stream (a refused upgrade, an oversized head): forwarded, not read.
        case opaque
    }

    static let headLimit = 16 * 1024
    /// The largest control-frame payload (§5.5); longer payloads are counted, not kept.
    static let keptLimit = 125
    static let textLimit = 64

    private let direction: WireDirection
    private var phase = Phase.head
    private var pending: [UInt8] = []

    init(direction: WireDirection) {
        self.direction = direction
    }

    /// Reads `bytes` and returns what they completed.
    mutating func feed(_ bytes: some Collection<UInt8>) -> [Output] {
        var outputs: [Output] = []
        var index = bytes.startIndex
        while index != bytes.endIndex {
            switch self.phase {
            case .opaque:
                return outputs
            case .head:
                self.pending.append(bytes[index])
                index = bytes.index(after: index)
                if self.pending.count >= 4 && self.pending.suffix(4).elementsEqual([13, 10, 13, 10]) {
                    outputs.append(self.endHead())
                } else if self.pending.count >= Self.headLimit {
                    self.phase = .opaque
                }
            case .frameHeader:
                self.pending.append(bytes[index])
                index = bytes.index(after: index)
                if let header = Self.decode(self.pending) {
                    self.pending.removeAll(keepingCapacity: true)
                    self.begin(header, into: &outputs)
                }
            case .payload(let header, var remaining, var kept):
                let taken = Int(min(remaining, UInt64(bytes.distance(from: index, to: bytes.endIndex))))
                let end = bytes.index(index, offsetBy: taken)
                if header.length <= Self.keptLimit {
                    for byte in bytes[index..<end] {
                        kept.append(byte ^ (header.maskKey?[kept.count % 4] ?? 0))
                    }
                }
                index = end
                remaining -= UInt64(taken)
                if remaining == 0 {
                    outputs.append(.frame(Self.frame(header, payload: kept)))
                    self.phase = .frameHeader
                } else {
                    self.phase = .payload(header, remaining: remaining, kept: kept)
                }
            }
        }
        return outputs
    }

    /// The head is complete: report its first line and decide what follows. A response
    /// other than 101 leaves the stream plain HTTP.
    private mutating func endHead() -> Output {
        let end = self.pending.firstIndex(of: 13) ?? self.pending.endIndex
        let line = String(decoding: self.pending[..<end], as: UTF8.self)
        self.pending = []
        let words = line.split(separator: " ")
        let upgraded = self.direction == .clientToServer || (words.count >= 2 && words[1] == "101")
        self.phase = upgraded ? .frameHeader : .opaque
        return .httpLine(line)
    }

    private mutating func begin(_ header: Header, into outputs: inout [Output]) {
        if header.length == 0 {
            outputs.append(.frame(Self.frame(header, payload: [])))
            self.phase = .frameHeader
        } else {
            self.phase = .payload(header, remaining: header.length, kept: [])
        }
    }

    /// The header, once `bytes` hold all of it.
    private static func decode(_ bytes: [UInt8]) -> Header? {
        guard bytes.count >= 2 else { return nil }
        let isMasked = bytes[1] & 0x80 != 0
        let shortLength = bytes[1] & 0x7F
        let lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0
        let keyStart = 2 + lengthBytes
        guard bytes.count == keyStart + (isMasked ? 4 : 0) else { return nil }
        var length = UInt64(shortLength)
        if lengthBytes > 0 {
            length = bytes[2..<keyStart].reduce(0) { $0 << 8 | UInt64($1) }
        }
        return Header(
            opcode: bytes[0] & 0x0F,
            fin: bytes[0] & 0x80 != 0,
            rsv: (bytes[0] >> 4) & 0x07,
            maskKey: isMasked ? Array(bytes[keyStart...]) : nil,
            length: length
        )
    }

    private static func frame(_ header: Header, payload: [UInt8]) -> WireFrame {
        var frame = WireFrame(
            opcode: header.opcode,
            fin: header.fin,
            rsv: header.rsv,
            isMasked: header.maskKey != nil,
            length: header.length
        )
        switch header.opcode {
        case 0x8 where payload.count >= 2:
            frame.closeCode = UInt16(payload[0]) << 8 | UInt16(payload[1])
            frame.closeReason = String(decoding: payload[2...], as: UTF8.self)
        case 0x1, 0x9, 0xA:
            if header.length <= Self.textLimit { frame.text = String(decoding: payload, as: UTF8.self) }
        default:
            break
        }
        return frame
    }
}
