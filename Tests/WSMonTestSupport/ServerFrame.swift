public import WSMonCore

/// Builds frames as a server would put them on the wire (unmasked unless asked otherwise).
public struct ServerFrame: Sendable {
    public var fin = true
    public var rsv: UInt8 = 0
    public var opcode: Opcode
    public var payload: [UInt8] = []
    public var maskingKey: UInt32?

    public init(fin: Bool = true, rsv: UInt8 = 0, opcode: Opcode, payload: [UInt8] = [], maskingKey: UInt32? = nil) {
        self.fin = fin
        self.rsv = rsv
        self.opcode = opcode
        self.payload = payload
        self.maskingKey = maskingKey
    }

    public static func text(_ text: String, fin: Bool = true) -> ServerFrame {
        ServerFrame(fin: fin, opcode: .text, payload: Array(text.utf8))
    }

    public static func binary(_ bytes: [UInt8], fin: Bool = true) -> ServerFrame {
        ServerFrame(fin: fin, opcode: .binary, payload: bytes)
    }

    public static func continuation(_ bytes: [UInt8], fin: Bool) -> ServerFrame {
        ServerFrame(fin: fin, opcode: .continuation, payload: bytes)
    }

    public static func close(_ code: UInt16?, _ reason: String = "") -> ServerFrame {
        guard let code else { return ServerFrame(opcode: .close) }
        return ServerFrame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8))
    }

    public static func ping(_ payload: [UInt8] = []) -> ServerFrame { ServerFrame(opcode: .ping, payload: payload) }
    public static func pong(_ payload: [UInt8] = []) -> ServerFrame { ServerFrame(opcode: .pong, payload: payload) }

    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        FrameHeader(
            fin: self.fin,
            rsv: self.rsv,
            opcode: self.opcode,
            maskingKey: self.maskingKey,
            payloadLength: UInt64(self.payload.count)
        )
        .encode(into: &bytes)
        bytes += self.maskingKey.map { Masking.applied(key: $0, to: self.payload) } ?? self.payload
        return bytes
    }
}

extension Array where Element == ServerFrame {
    public var bytes: [UInt8] { self.flatMap(\.bytes) }
}

/// A frame the client sent, unmasked.
public struct SentFrame: Equatable, Sendable, CustomStringConvertible {
    public var fin: Bool
    public var opcode: Opcode
    public var masked: Bool
    public var payload: [UInt8]
    /// The reserved bits as a number 0–7 (4: RSV1, a compressed message's first frame).
    public var rsv: UInt8

    public init(fin: Bool, opcode: Opcode, masked: Bool, payload: [UInt8], rsv: UInt8 = 0) {
        self.fin = fin
        self.opcode = opcode
        self.masked = masked
        self.payload = payload
        self.rsv = rsv
    }

    public var text: String { String(decoding: self.payload, as: UTF8.self) }

    public var closeCode: UInt16? {
        self.payload.count >= 2 ? UInt16(self.payload[0]) << 8 | UInt16(self.payload[1]) : nil
    }

    public var description: String { "\(self.opcode)\(self.fin ? "" : "(more)") \(self.payload)" }

    /// Parses the client's output back into frames; fails the test on malformed output.
    public static func parse(_ bytes: [UInt8]) -> [SentFrame] {
        var frames: [SentFrame] = []
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            let second = bytes[index + 1]
            var length = Int(second & 0x7F)
            index += 2
            if length == 126 {
                length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
                index += 2
            } else if length == 127 {
                length = bytes[index..<(index + 8)].reduce(0) { $0 << 8 | Int($1) }
                index += 8
            }
            var key: UInt32?
            if second & 0x80 != 0 {
                key = bytes[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                index += 4
            }
            let raw = Array(bytes[index..<(index + length)])
            index += length
            frames.append(
                SentFrame(
                    fin: first & 0x80 != 0,
                    opcode: Opcode(rawValue: first & 0x0F),
                    masked: key != nil,
                    payload: key.map { Masking.applied(key: $0, to: raw) } ?? raw,
                    rsv: (first >> 4) & 0x7
                )
            )
        }
        return frames
    }
}
