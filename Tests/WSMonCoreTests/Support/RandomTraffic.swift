import WSMonCore
import WSMonTestSupport

/// Random server traffic for property tests: messages, their fragmentation, interleaved
/// control frames and the points where reads split the stream.
enum RandomTraffic {
    enum Message: Equatable {
        case text(String)
        case binary([UInt8])

        var event: WebSocketEvent {
            switch self {
            case .text(let text): return .text(text)
            case .binary(let bytes): return .binary(bytes)
            }
        }
    }

    static func text(using random: inout SeededRandom) -> String {
        // Mix of 1-, 2-, 3- and 4-byte code points, so fragment boundaries split them.
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0xA0...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF,
        ]
        let count = Int.random(in: 0...40, using: &random)
        return String(
            String.UnicodeScalarView(
                (0..<count).map { _ in
                    let range = ranges.randomElement(using: &random)!
                    return Unicode.Scalar(UInt32.random(in: range, using: &random))!
                }
            )
        )
    }

    static func messages(using random: inout SeededRandom) -> [Message] {
        (0..<Int.random(in: 1...12, using: &random)).map { _ in
            if Bool.random(using: &random) { return .text(self.text(using: &random)) }
            let length = [0, 1, 125, 126, 300, 70_000].randomElement(using: &random)!
            return .binary((0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }

    /// Frames for `message`, cut at random byte offsets, with pings sometimes in between.
    static func frames(for message: Message, using random: inout SeededRandom) -> [ServerFrame] {
        let (opcode, payload): (Opcode, [UInt8]) =
            switch message {
            case .text(let text): (.text, Array(text.utf8))
            case .binary(let bytes): (.binary, bytes)
            }
        let pieces = Int.random(in: 1...4, using: &random)
        var cuts = (0..<(pieces - 1)).map { _ in Int.random(in: 0...payload.count, using: &random) }.sorted()
        cuts = [0] + cuts + [payload.count]
        var frames: [ServerFrame] = []
        for index in 0..<(cuts.count - 1) {
            let part = Array(payload[cuts[index]..<cuts[index + 1]])
            let isLast = index == cuts.count - 2
            frames.append(ServerFrame(fin: isLast, opcode: index == 0 ? opcode : .continuation, payload: part))
            if !isLast && Int.random(in: 0..<3, using: &random) == 0 {
                frames.append(.ping([UInt8(index)]))
            }
        }
        return frames
    }

    /// `bytes` cut into reads at random points (some empty).
    static func reads(of bytes: [UInt8], using random: inout SeededRandom) -> [[UInt8]] {
        var reads: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let length = [0, 1, 2, 3, 7, 14, 100, 5000].randomElement(using: &random)!
            reads.append(Array(bytes[index..<min(bytes.count, index + length)]))
            index += length
        }
        return reads
    }
}
