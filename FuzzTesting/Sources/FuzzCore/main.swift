import WSMonCore
import WSMonDeflate

/// Deterministic randomness for masking keys and the handshake key.
struct FuzzRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Input layout: byte 0 picks the mode and limits, byte 1 the chunk size; the rest is fed to
/// the core, either as the server's whole response (mode bit 0 clear) or as frames after a
/// valid handshake. Mode bit 5 offers permessage-deflate, so RSV1 frames go through the zlib
/// engine's inflate path (bit 6: the server answers with no context takeover both ways, so
/// the inflater is reset after every message); with bit 1 a bomb meets the 128-byte limit. Bytes ≥ 0xF8 in "command" positions (every 64th byte) trigger local
/// actions (close, send, ping, EOF, timeout) between chunks.
///
/// Besides crashes, it checks the core's promises: at most one Close frame sent, at most one
/// `.closed` event, nothing sent after our Close, and every outbound frame masked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    guard input.count >= 2 else { return 0 }
    let mode = input[0]
    let chunk = Int(input[1] % 64) + 1
    var options = ConnectionOptions()
    if mode & 0x02 != 0 {
        options.maxFrameSize = 64
        options.maxMessageSize = 128
    }
    options.recordFrames = mode & 0x04 == 0
    options.replyToCloseAutomatically = mode & 0x08 == 0
    let deflate = mode & 0x20 != 0
    if deflate { options.deflate = PerMessageDeflateOffer() }
    var connection = try! ClientConnection(
        url: try! WebSocketURL(parsing: "ws://example.com/chat"),
        options: options,
        deflateEngines: ZlibDeflateEngineFactory(),
        random: FuzzRandom(state: UInt64(mode))
    )
    var checker = InvariantChecker()
    checker.consume(connection.takeBytesToSend(), isRequest: true)

    if mode & 0x01 != 0 {
        let head =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(connection.request.expectedAccept)\r\n"
            + (deflate ? "Sec-WebSocket-Extensions: \(deflateAnswer(mode))\r\n" : "") + "\r\n"
        connection.receive(Array(head.utf8))
        checker.drain(&connection)
        precondition(!deflate || connection.response?.deflate != nil, "the deflate answer was refused")
    }
    var offset = 2
    while offset < input.count {
        let end = min(input.count, offset + chunk)
        let piece = UnsafeRawBufferPointer(rebasing: input[offset..<end])
        if mode & 0x10 != 0 {
            var used = 0
            while used < piece.count {
                let consumed = connection.receive(
                    UnsafeRawBufferPointer(rebasing: piece[used...]),
                    stoppingAfterMessage: true
                )
                precondition(consumed > 0 || used == piece.count, "no progress")
                used += max(consumed, 1)
                checker.drain(&connection)
            }
        } else {
            connection.receive(piece)
        }
        checker.drain(&connection)
        if offset % 64 == 2, let command = piece.first, command >= 0xF8 {
            switch command {
            case 0xF8: try? connection.close(code: CloseCode(4000), reason: "fuzz")
            case 0xF9: try? connection.sendText("fuzz")
            case 0xFA: _ = try? connection.sendPing()
            case 0xFB: connection.receiveEOF()
            case 0xFC: connection.closeTimeoutExpired()
            case 0xFD: connection.fail(code: .internalError, reason: "fuzz")
            case 0xFE: try? connection.sendFragment([1, 2], kind: .binary, isFinal: false)
            default: connection.abort(reason: "fuzz")
            }
            checker.drain(&connection)
        }
        offset = end
    }
    connection.receiveEOF()
    checker.drain(&connection)
    precondition(connection.state == .closed, "EOF must finish the connection")
    return 0
}

/// The server's permessage-deflate answer for a mode (bit 6: no context takeover both ways).
func deflateAnswer(_ mode: UInt8) -> String {
    mode & 0x40 != 0
        ? "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
        : "permessage-deflate; client_max_window_bits=10"
}

struct InvariantChecker {
    var closeFramesSent = 0
    var closedEvents = 0
    var sentAfterClose = false

    mutating func drain(_ connection: inout ClientConnection) {
        self.consume(connection.takeBytesToSend(), isRequest: false)
        for event in connection.takeEvents() {
            switch event {
            case .closeSent: self.closeFramesSent += 1
            case .closed: self.closedEvents += 1
            default: break
            }
        }
        precondition(self.closeFramesSent <= 1, "a second Close frame was sent")
        precondition(self.closedEvents <= 1, "a second .closed event")
    }

    /// Walks the client's frames: all masked, nothing after a Close.
    mutating func consume(_ bytes: [UInt8], isRequest: Bool) {
        guard !isRequest, !bytes.isEmpty else { return }
        var index = 0
        while index < bytes.count {
            precondition(!self.sentAfterClose, "a frame was sent after our Close")
            precondition(bytes.count - index >= 2, "truncated frame header")
            let opcode = bytes[index] & 0x0F
            precondition(bytes[index + 1] & 0x80 != 0, "an unmasked client frame")
            var length = Int(bytes[index + 1] & 0x7F)
            index += 2
            if length == 126 {
                length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
                index += 2
            } else if length == 127 {
                length = bytes[index..<(index + 8)].reduce(0) { $0 << 8 | Int($1) }
                index += 8
            }
            index += 4 + length
            if opcode == 0x8 { self.sentAfterClose = true }
        }
        precondition(index == bytes.count, "frames do not add up")
    }
}

// SwiftPM links executables with `main` aliased to `FuzzCore_main`; hand over to libFuzzer's
// driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("FuzzCore_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv) { fuzz($0, $1) }
}
