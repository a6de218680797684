import Testing
import WSMonCore
import WSMonTestSupport

@Suite("Frame codec (RFC 6455 §5)")
struct FrameCodecTests {
    /// Each row: frames a server sends, the violation they commit and the code we close with.
    static let violations: [(String, [ServerFrame], PeerViolation, UInt16)] = [
        (
            "masked frame", [ServerFrame(opcode: .text, payload: Array("hi".utf8), maskingKey: 0x0102_0304)],
            .maskedFrame, 1002
        ),
        ("RSV1 without extension", [ServerFrame(rsv: 4, opcode: .text, payload: [0x41])], .reservedBitsSet(4), 1002),
        ("RSV3 on a ping", [ServerFrame(rsv: 1, opcode: .ping)], .reservedBitsSet(1), 1002),
        ("opcode 3", [ServerFrame(opcode: Opcode(rawValue: 3))], .unknownOpcode(3), 1002),
        ("opcode 0xB", [ServerFrame(opcode: Opcode(rawValue: 0xB))], .unknownOpcode(0xB), 1002),
        ("fragmented ping", [ServerFrame(fin: false, opcode: .ping)], .fragmentedControlFrame(.ping), 1002),
        (
            "126-byte ping", [ServerFrame(opcode: .ping, payload: Array(repeating: 0, count: 126))],
            .controlFrameTooLong(.ping, length: 126), 1002
        ),
        ("continuation first", [.continuation([1], fin: true)], .continuationWithoutMessage, 1002),
        (
            "text inside fragmented binary", [.binary([1], fin: false), .text("x")],
            .dataFrameInsideFragmentedMessage(.text), 1002
        ),
        ("invalid UTF-8", [ServerFrame(opcode: .text, payload: [0x41, 0xFF])], .invalidUTF8(offset: 1), 1007),
        ("surrogate", [ServerFrame(opcode: .text, payload: [0xED, 0xA0, 0x80])], .invalidUTF8(offset: 1), 1007),
        (
            "text ends mid-sequence", [ServerFrame(opcode: .text, payload: [0x41, 0xE2, 0x82])],
            .incompleteUTF8AtEndOfMessage, 1007
        ),
        ("close with 1 byte", [ServerFrame(opcode: .close, payload: [0x03])], .closePayloadTooShort, 1002),
        ("close 1005 on the wire", [.close(1005)], .invalidCloseCode(1005), 1002),
        ("close 1006 on the wire", [.close(1006)], .invalidCloseCode(1006), 1002),
        ("close 1015 on the wire", [.close(1015)], .invalidCloseCode(1015), 1002),
        ("close 999", [.close(999)], .invalidCloseCode(999), 1002),
        ("close 1004", [.close(1004)], .invalidCloseCode(1004), 1002),
        ("close 2999", [.close(2999)], .invalidCloseCode(2999), 1002),
        ("close 5000", [.close(5000)], .invalidCloseCode(5000), 1002),
        (
            "close reason not UTF-8", [ServerFrame(opcode: .close, payload: [0x03, 0xE8, 0xC0, 0xAF])],
            .invalidUTF8InCloseReason, 1007
        ),
    ]

    @Test(arguments: Self.violations.indices)
    func violationFailsTheConnectionWithItsCode(row: Int) {
        let (name, frames, violation, code) = Self.violations[row]
        var connection = openConnection()
        let events = connection.feed(frames.bytes + ServerFrame.text("after").bytes)
        #expect(events.violations == [violation], "\(name)")
        #expect(!events.contains(.text("after")), "nothing after a failure is delivered: \(name)")
        let sent = connection.sentFrames()
        #expect(sent.count == 1 && sent[0].opcode == .close && sent[0].closeCode == code, "\(name): sent \(sent)")
        #expect(connection.state == .closing, "the client waits for the server to close TCP: \(name)")
        connection.receiveEOF()
        let summary = connection.takeEvents().summary
        #expect(summary?.initiator == .failure)
        #expect(summary?.failure == .peerViolation(violation))
        #expect(summary?.wasClean == false)
    }

    @Test(arguments: [0, 1, 125, 126, 127, 65535, 65536, 100_000])
    func lengthsInAllThreeEncodingsDecode(length: Int) {
        var connection = openConnection()
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        let events = connection.feed(.binary(payload))
        #expect(events.withoutFrames == [.binary(payload)])
        guard case .frame(let record) = events.first else {
            Issue.record("no frame record")
            return
        }
        #expect(record.length == UInt64(length))
        #expect(record.preview.bytes == Array(payload.prefix(PayloadPreview.capacity)))
    }

    @Test func sixtyFourBitLengthWithTopBitSetFails() {
        var connection = openConnection()
        let events = connection.feed([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1])
        #expect(events.violations == [.lengthWithTopBitSet])
    }

    @Test func nonMinimalLengthFails() {
        var connection = openConnection()
        #expect(connection.feed([0x82, 126, 0, 5, 1, 2, 3, 4, 5]).violations == [.nonMinimalLength(5)])
        var second = openConnection()
        #expect(second.feed([0x82, 127, 0, 0, 0, 0, 0, 0, 0x01, 0x00]).violations == [.nonMinimalLength(256)])
    }

    @Test func frameOverTheLimitFailsBeforeItsPayloadArrives() {
        var options = ConnectionOptions()
        options.maxFrameSize = 1000
        var connection = openConnection(options: options)
        // Only the header of a 1 GB frame: the verdict cannot wait for the payload.
        let events = connection.feed([0x82, 127, 0, 0, 0, 0, 0x40, 0, 0, 0])
        #expect(events.violations == [.frameTooLarge(length: 1 << 30, limit: 1000)])
        #expect(connection.sentFrames().first?.closeCode == 1009)
    }

    @Test func messageOverTheLimitFailsAtTheFragmentThatCrossesIt() {
        var options = ConnectionOptions()
        options.maxMessageSize = 10
        var connection = openConnection(options: options)
        let events = connection.feed(
            .binary([1, 2, 3, 4, 5, 6], fin: false),
            .continuation([7, 8, 9, 10, 11], fin: true)
        )
        #expect(events.violations == [.messageTooLarge(length: 11, limit: 10)])
        #expect(connection.sentFrames().first?.closeCode == 1009)
    }

    @Test func controlFramesBetweenFragmentsAreHandled() {
        var connection = openConnection()
        let events = connection.feed(
            .text("Hel", fin: false),
            .ping([7]),
            .continuation(Array("lo".utf8), fin: false),
            .pong([]),
            .continuation(Array(", world".utf8), fin: true)
        )
        #expect(events.withoutFrames == [.ping([7]), .pong([], answering: nil), .text("Hello, world")])
        #expect(connection.sentFrames() == [SentFrame(fin: true, opcode: .pong, masked: true, payload: [7])])
    }

    @Test func everyOutboundFrameIsMaskedWithAFreshKey() throws {
        var connection = openConnection()
        for index in 0..<50 { try connection.sendText("message \(index)") }
        let bytes = connection.takeBytesToSend()
        var keys: Set<[UInt8]> = []
        var index = 0
        while index < bytes.count {
            #expect(bytes[index + 1] & 0x80 != 0, "mask bit set")
            let length = Int(bytes[index + 1] & 0x7F)
            keys.insert(Array(bytes[(index + 2)..<(index + 6)]))
            index += 6 + length
        }
        #expect(keys.count == 50)
        #expect(SentFrame.parse(bytes).map(\.text) == (0..<50).map { "message \($0)" })
    }

    @Test(arguments: [0, 1, 3, 7, 8, 31, 32, 33, 100, 1000])
    func wordWiseMaskingMatchesTheRFCDefinition(length: Int) {
        let key: UInt32 = 0x37FA_213D
        let keyBytes: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for offset in 0..<4 {
            var bytes = payload
            bytes.withUnsafeMutableBytes { Masking.apply(key: key, to: $0, offset: offset) }
            let expected = payload.enumerated().map { $0.element ^ keyBytes[($0.offset + offset) % 4] }
            #expect(bytes == expected)
        }
    }

    @Test func largeMessagesAreEncodedWithTheLongLengthForms() throws {
        var connection = openConnection()
        try connection.sendBinary(Array(repeating: 7, count: 70_000))
        try connection.sendText(String(repeating: "a", count: 300))
        let frames = connection.sentFrames()
        #expect(frames.map(\.payload.count) == [70_000, 300])
        #expect(frames[0].payload.allSatisfy { $0 == 7 })
    }

    @Test func outboundFragmentsUseContinuationFrames() throws {
        var connection = openConnection()
        try connection.sendFragment(Array("ab".utf8), kind: .text, isFinal: false)
        #expect(throws: UsageError.fragmentedMessageInProgress) { try connection.sendText("x") }
        try connection.sendPing([1])
        try connection.sendFragment(Array("cd".utf8), kind: .text, isFinal: true)
        #expect(connection.sentFrames().map { "\($0.opcode) \($0.fin)" } == ["TEXT false", "PING true", "CONT true"])
    }

    @Test func frameRecordsDescribeBothDirections() throws {
        var connection = openConnection()
        try connection.sendText("hello")
        let outbound = connection.takeEvents()
        #expect(
            outbound == [
                .frame(
                    FrameRecord(
                        direction: .outbound,
                        opcode: .text,
                        fin: true,
                        masked: true,
                        length: 5,
                        preview: PayloadPreview("hello".utf8)
                    )
                )
            ]
        )
        let inbound = connection.feed(.binary(Array(repeating: 9, count: 100), fin: false))
        #expect(
            inbound == [
                .frame(
                    FrameRecord(
                        direction: .inbound,
                        opcode: .binary,
                        fin: false,
                        masked: false,
                        length: 100,
                        preview: PayloadPreview(Array(repeating: 9, count: 32))
                    )
                )
            ]
        )
    }

    @Test func recordsCanBeTurnedOff() {
        var options = ConnectionOptions()
        options.recordFrames = false
        var connection = openConnection(options: options)
        #expect(connection.feed(.text("x")) == [.text("x")])
    }

    @Test func perFrameEventsStayCompact() {
        // Two events per received frame (record + message): keep them a cache line or less.
        #expect(MemoryLayout<WebSocketEvent>.stride <= 64)
        #expect(MemoryLayout<FrameRecord>.stride <= 56)
    }
}
