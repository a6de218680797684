/// Splits an inbound byte stream into frame headers and payload chunks.
///
/// Like NIO's `WebSocketFrameDecoder` it knows "what am I waiting for", but it hands out
/// payload as it arrives instead of buffering whole frames: the caller can validate UTF-8
/// and enforce size limits on a frame that is still arriving, and no payload byte is
/// copied here. Only header bytes split across reads are kept (at most 14).
struct FrameDecoder {
    enum Step {
        /// Every byte given has been consumed; call again with more.
        case needMoreData
        /// A complete header. Its payload follows as `.payload` steps (at least one, even when empty).
        case header(FrameHeader)
        /// Payload bytes of the current frame; `isFrameEnd` on the last chunk.
        case payload(UnsafeRawBufferPointer, isFrameEnd: Bool)
        /// The header is malformed beyond the rules the caller checks.
        case violation(PeerViolation)
    }

    private enum Phase {
        case header
        case payload(remaining: UInt64)
    }

    private var phase: Phase = .header
    /// Header bytes received so far when a header is split across reads.
    private var partialHeader: [UInt8] = []

    init() {
        self.partialHeader.reserveCapacity(14)
    }

    /// Decodes the next step from `input`, starting at `index` and advancing it.
    mutating func next(_ input: UnsafeRawBufferPointer, index: inout Int) -> Step {
        switch self.phase {
        case .payload(let remaining):
            let available = input.count - index
            if remaining == 0 {
                self.phase = .header
                return .payload(UnsafeRawBufferPointer(rebasing: input[index..<index]), isFrameEnd: true)
            }
            guard available > 0 else { return .needMoreData }
            let taken = Int(min(UInt64(available), remaining))
            let chunk = UnsafeRawBufferPointer(rebasing: input[index..<(index + taken)])
            index += taken
            let left = remaining - UInt64(taken)
            self.phase = left == 0 ? .header : .payload(remaining: left)
            return .payload(chunk, isFrameEnd: left == 0)
        case .header:
            guard index < input.count else { return .needMoreData }
            if self.partialHeader.isEmpty {
                // Fast path: the whole header is in this read.
                let available = UnsafeRawBufferPointer(rebasing: input[index...])
                switch Self.parseHeader(available) {
                case .incomplete:
                    self.partialHeader.append(contentsOf: available)
                    index = input.count
                    return .needMoreData
                case .violation(let violation):
                    return .violation(violation)
                case .complete(let header, let size):
                    index += size
                    self.phase = .payload(remaining: header.payloadLength)
                    return .header(header)
                }
            }
            // Slow path: append one byte at a time until the header is complete, so no byte
            // after the header is taken from `input`.
            while index < input.count {
                self.partialHeader.append(input[index])
                index += 1
                let parsed = self.partialHeader.withUnsafeBytes { Self.parseHeader($0) }
                switch parsed {
                case .incomplete:
                    continue
                case .violation(let violation):
                    self.partialHeader.removeAll(keepingCapacity: true)
                    return .violation(violation)
                case .complete(let header, _):
                    self.partialHeader.removeAll(keepingCapacity: true)
                    self.phase = .payload(remaining: header.payloadLength)
                    return .header(header)
                }
            }
            return .needMoreData
        }
    }

    private enum HeaderParse {
        case incomplete
        case complete(FrameHeader, size: Int)
        case violation(PeerViolation)
    }

    private static func parseHeader(_ bytes: UnsafeRawBufferPointer) -> HeaderParse {
        guard bytes.count >= 2 else { return .incomplete }
        let first = bytes[0]
        let second = bytes[1]
        let masked = second & 0x80 != 0
        let shortLength = second & 0x7F
        let lengthSize = shortLength == 126 ? 2 : (shortLength == 127 ? 8 : 0)
        let size = 2 + lengthSize + (masked ? 4 : 0)
        guard bytes.count >= size else { return .incomplete }
        var length = UInt64(shortLength)
        if lengthSize > 0 {
            length = 0
            for offset in 0..<lengthSize { length = length << 8 | UInt64(bytes[2 + offset]) }
            // §5.2: "the most significant bit MUST be 0", and "the minimal number of bytes
            // MUST be used to encode the length".
            if lengthSize == 8 && length >> 63 != 0 { return .violation(.lengthWithTopBitSet) }
            if (lengthSize == 2 && length < 126) || (lengthSize == 8 && length <= 0xFFFF) {
                return .violation(.nonMinimalLength(length))
            }
        }
        var maskingKey: UInt32?
        if masked {
            let keyStart = 2 + lengthSize
            maskingKey =
                UInt32(bytes[keyStart]) << 24 | UInt32(bytes[keyStart + 1]) << 16 | UInt32(bytes[keyStart + 2]) << 8
                | UInt32(bytes[keyStart + 3])
        }
        let header = FrameHeader(
            fin: first & 0x80 != 0,
            rsv: (first >> 4) & 0x7,
            opcode: Opcode(rawValue: first & 0x0F),
            maskingKey: maskingKey,
            payloadLength: length
        )
        return .complete(header, size: size)
    }
}
