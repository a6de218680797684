import WSMonCore

/// Deterministic generator for the connection (handshake key, masking keys) and the data.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Bytes handed to `receive` at a time, like reads from a socket.
let readSize = 64 * 1024

// MARK: - Connections and frames

/// A client connection that has completed its opening handshake.
func openConnection(recordFrames: Bool) -> ClientConnection {
    var options = ConnectionOptions()
    options.recordFrames = recordFrames
    do {
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://127.0.0.1:9/"),
            options: options,
            random: SplitMix64(seed: 0x5EED)
        )
        _ = connection.takeBytesToSend()
        let response =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(connection.request.expectedAccept)\r\n\r\n"
        connection.receive(Array(response.utf8))
        _ = connection.takeEvents()
        precondition(connection.state == .open, "handshake did not open the connection")
        return connection
    } catch {
        fatalError("cannot create connection: \(error)")
    }
}

/// Appends an unmasked server frame with FIN set.
func appendFrame(opcode: UInt8, payload: [UInt8], to wire: inout [UInt8]) {
    wire.append(0x80 | opcode)
    switch payload.count {
    case 0..<126:
        wire.append(UInt8(payload.count))
    case 126...0xFFFF:
        wire.append(126)
        wire.append(UInt8(payload.count >> 8))
        wire.append(UInt8(payload.count & 0xFF))
    default:
        wire.append(127)
        for shift in stride(from: 56, through: 0, by: -8) {
            wire.append(UInt8(truncatingIfNeeded: payload.count >> shift))
        }
    }
    wire.append(contentsOf: payload)
}

/// Feeds `wire` to `connection` in `readSize` reads, draining events after each one, and
/// checks that exactly `expectedMessages` messages of `expectedBytes` payload came out.
/// Returns the number of messages.
func feed(
    _ wire: [UInt8],
    to connection: inout ClientConnection,
    expectedMessages: Int,
    expectedBytes: Int
) -> Int {
    var messages = 0
    var bytes = 0
    // One buffer reused for every drain, as the NIO handler does.
    var events: [WebSocketEvent] = []
    wire.withUnsafeBytes { raw in
        var start = 0
        while start < raw.count {
            let end = min(start + readSize, raw.count)
            connection.receive(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            connection.takeEvents(into: &events)
            for event in events {
                switch event {
                case .text(let text):
                    messages += 1
                    bytes += text.utf8.count
                case .binary(let data):
                    messages += 1
                    bytes += data.count
                case .frame:
                    break
                default:
                    fatalError("unexpected event \(event)")
                }
            }
            start = end
        }
    }
    precondition(
        messages == expectedMessages && bytes == expectedBytes,
        "got \(messages) messages / \(bytes) bytes, expected \(expectedMessages) / \(expectedBytes)"
    )
    precondition(connection.state == .open)
    return messages
}

/// 100k text frames of 32 bytes each (34 bytes on the wire), in one buffer.
func smallTextFrames(recordFrames: Bool) -> () -> Int {
    let frameCount = 100_000
    var rng = SplitMix64(seed: 1)
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 {}\":,".utf8)
    var wire: [UInt8] = []
    wire.reserveCapacity(frameCount * 34)
    for _ in 0..<frameCount {
        let payload = (0..<32).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        appendFrame(opcode: 0x1, payload: payload, to: &wire)
    }
    var connection = openConnection(recordFrames: recordFrames)
    return {
        feed(wire, to: &connection, expectedMessages: frameCount, expectedBytes: frameCount * 32)
    }
}

/// 64 binary frames of 1 MiB each, in one buffer. Returns payload bytes per pass.
func largeBinaryFrames(recordFrames: Bool) -> () -> Int {
    let frameCount = 64
    let frameSize = 1 << 20
    var rng = SplitMix64(seed: 2)
    var payload = [UInt8](repeating: 0, count: frameSize)
    for index in payload.indices { payload[index] = UInt8(truncatingIfNeeded: rng.next()) }
    var wire: [UInt8] = []
    wire.reserveCapacity(frameCount * (frameSize + 10))
    for _ in 0..<frameCount { appendFrame(opcode: 0x2, payload: payload, to: &wire) }
    var connection = openConnection(recordFrames: recordFrames)
    return {
        _ = feed(wire, to: &connection, expectedMessages: frameCount, expectedBytes: frameCount * frameSize)
        return frameCount * frameSize
    }
}

// MARK: - Masking

/// Masks a buffer of `size` bytes per pass, at a different payload offset each time.
func masking(size: Int) -> () -> Int {
    var buffer = [UInt8](repeating: 0x41, count: size)
    var offset = 0
    return {
        offset &+= 1
        buffer.withUnsafeMutableBytes { Masking.apply(key: 0x1234_5678, to: $0, offset: offset) }
        return buffer.count
    }
}

// MARK: - UTF-8

/// Text of about `size` bytes built from words chosen at random; `foreignShare` of the
/// words (by count) come from `foreign`.
func text(size: Int, ascii: [String], foreign: [String], foreignShare: Double, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(size + 64)
    while bytes.count < size {
        let useForeign = !foreign.isEmpty && Double(rng.next() % 10_000) < foreignShare * 10_000
        let pool = useForeign ? foreign : ascii
        bytes.append(contentsOf: pool[Int(rng.next() % UInt64(pool.count))].utf8)
        bytes.append(rng.next() % 12 == 0 ? UInt8(ascii: ",") : UInt8(ascii: " "))
    }
    return bytes
}

let asciiWords = [
    "the", "message", "id", "user", "status", "ok", "timestamp", "value", "price", "quantity",
    "{\"type\":\"update\"", "\"seq\":12345", "order", "book", "channel", "subscribe", "data",
    "websocket", "frame", "payload", "error", "null", "true", "false", "1697040000123",
]
let latinAccented = ["café", "naïve", "Zürich", "señor", "façade", "coöperate", "Ångström", "€10"]
let cyrillicAndCJK = [
    "привет", "мир", "сообщение", "данные", "соединение", "東京", "日本語", "数据", "消息",
    "连接", "服务器", "こんにちは", "テスト", "한국어",
]

/// The share of bytes that are not ASCII.
func nonASCIIShare(_ bytes: [UInt8]) -> Double {
    Double(bytes.count(where: { $0 >= 0x80 })) / Double(bytes.count)
}

/// Validates `bytes` (one call per pass, as one large frame's payload would be).
func utf8Validation(_ bytes: [UInt8]) -> () -> Int {
    return {
        var validator = UTF8Validator()
        let bad = bytes.withUnsafeBytes { validator.validate($0) }
        precondition(bad == nil && validator.isComplete, "test text is not valid UTF-8")
        return bytes.count
    }
}
