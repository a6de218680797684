import Testing
import WSMonCore
import WSMonDeflate
import WSMonTestSupport

/// RFC 7692 §6–7 per message: inflating what the server sends, deflating what we send.
@Suite("permessage-deflate messages")
struct DeflateMessageTests {
    /// A connection opened with permessage-deflate as `answer` accepts it.
    static func compressedConnection(
        answer: String = "permessage-deflate",
        offer: PerMessageDeflateOffer = PerMessageDeflateOffer(),
        maxMessageSize: Int = 64 * 1024 * 1024
    ) -> ClientConnection {
        var options = ConnectionOptions()
        options.deflate = offer
        options.maxMessageSize = maxMessageSize
        var connection = try! ClientConnection(
            url: try! WebSocketURL(parsing: "ws://example.com/feed"),
            options: options,
            deflateEngines: ZlibDeflateEngineFactory(),
            random: SeededRandom(seed: 3)
        )
        _ = connection.takeBytesToSend()
        connection.receive(
            acceptingResponse(for: connection, extraHeaders: "Sec-WebSocket-Extensions: \(answer)\r\n")
        )
        precondition(connection.state == .open && connection.response?.deflate != nil)
        _ = connection.takeEvents()
        return connection
    }

    static let json = Array(
        (0..<40).map { #"{"type":"trade","symbol":"BTC-USD","price":\#(60000 + $0),"size":0.01}"# }.joined().utf8
    )

    private func frames(_ events: [WebSocketEvent]) -> [FrameRecord] {
        events.compactMap {
            if case .frame(let record) = $0 { return record }
            return nil
        }
    }

    @Test func compressedTextIsInflatedAndItsFrameShowsBothSizes() {
        var connection = Self.compressedConnection()
        let compressed = ReferenceDeflater(windowBits: 15).compress(Self.json)
        let events = connection.feed(ServerFrame(rsv: 4, opcode: .text, payload: compressed))
        #expect(events.withoutFrames == [.text(String(decoding: Self.json, as: UTF8.self))])
        let record = self.frames(events)[0]
        #expect(record.rsv == 4)
        #expect(record.length == UInt64(compressed.count))
        #expect(record.messageSize == UInt64(Self.json.count))
        #expect(record.length * 4 < Self.json.count)
    }

    @Test func fragmentedCompressedMessageIsTheSameFedWholeOrByteByByte() {
        let compressed = ReferenceDeflater(windowBits: 15).compress(Self.json)
        let third = compressed.count / 3
        let wire =
            ServerFrame(fin: false, rsv: 4, opcode: .binary, payload: Array(compressed[..<third])).bytes
            + ServerFrame.continuation(Array(compressed[third..<(2 * third)]), fin: false).bytes
            + ServerFrame.continuation(Array(compressed[(2 * third)...]), fin: true).bytes
        var whole = Self.compressedConnection()
        let wholeEvents = whole.feed(wire)
        var drip = Self.compressedConnection()
        var dripEvents: [WebSocketEvent] = []
        for byte in wire { dripEvents += drip.feed([byte]) }
        #expect(wholeEvents.withoutFrames == [.binary(Self.json)])
        #expect(dripEvents.withoutFrames == wholeEvents.withoutFrames)
        // Only the last frame knows the inflated size.
        #expect(self.frames(wholeEvents).map(\.messageSize) == [nil, nil, UInt64(Self.json.count)])
    }

    @Test func contextIsTakenOverAcrossMessages() {
        var connection = Self.compressedConnection()
        let server = ReferenceDeflater(windowBits: 15)
        let first = server.compress(Self.json)
        let second = server.compress(Self.json)
        // The second refers back into the first: far smaller than the first.
        #expect(second.count * 4 < first.count)
        let events = connection.feed(
            ServerFrame(rsv: 4, opcode: .text, payload: first),
            ServerFrame(rsv: 4, opcode: .text, payload: second)
        )
        #expect(events.withoutFrames.count == 2)
        #expect(events.violations.isEmpty)
    }

    @Test func withoutServerContextTakeoverEachMessageStandsAlone() {
        var offer = PerMessageDeflateOffer()
        offer.serverNoContextTakeover = true
        var connection = Self.compressedConnection(
            answer: "permessage-deflate; server_no_context_takeover",
            offer: offer
        )
        for _ in 0..<3 {
            let events = connection.feed(
                ServerFrame(rsv: 4, opcode: .text, payload: ReferenceDeflater(windowBits: 15).compress(Self.json))
            )
            #expect(events.withoutFrames == [.text(String(decoding: Self.json, as: UTF8.self))])
        }
    }

    @Test func uncompressedMessageInACompressedSessionIsAccepted() {
        var connection = Self.compressedConnection()
        let server = ReferenceDeflater(windowBits: 15)
        let events = connection.feed(
            ServerFrame(rsv: 4, opcode: .text, payload: server.compress(Array("one".utf8))),
            .text("two, plain"),
            ServerFrame(rsv: 4, opcode: .text, payload: server.compress(Array("three".utf8)))
        )
        #expect(events.withoutFrames == [.text("one"), .text("two, plain"), .text("three")])
        #expect(self.frames(events).map(\.rsv) == [4, 0, 4])
    }

    @Test func emptyCompressedMessageIsOneZeroByte() {
        var connection = Self.compressedConnection()
        #expect(connection.feed(ServerFrame(rsv: 4, opcode: .text, payload: [0x00])).withoutFrames == [.text("")])
    }

    @Test func rsv1WithoutNegotiationStaysANamedViolation() {
        var connection = openConnection()
        let events = connection.feed(ServerFrame(rsv: 4, opcode: .text, payload: [0x00]))
        #expect(events.violations == [.reservedBitsSet(4)])
        #expect(connection.sentFrames().last?.closeCode == 1002)
    }

    @Test(arguments: [
        (ServerFrame(rsv: 4, opcode: .ping), PeerViolation.compressedControlFrame(.ping)),
        (ServerFrame(rsv: 4, opcode: .close), PeerViolation.compressedControlFrame(.close)),
        (ServerFrame(rsv: 2, opcode: .text, payload: [0x00]), PeerViolation.reservedBitsSet(2)),
    ])
    func rsv1BelongsToDataMessagesOnly(frame: ServerFrame, violation: PeerViolation) {
        var connection = Self.compressedConnection()
        #expect(connection.feed(frame).violations == [violation])
        #expect(connection.sentFrames().last?.closeCode == 1002)
    }

    @Test func rsv1OnAContinuationIsAViolation() {
        var connection = Self.compressedConnection()
        let compressed = ReferenceDeflater(windowBits: 15).compress(Self.json)
        let events = connection.feed(
            ServerFrame(fin: false, rsv: 4, opcode: .text, payload: Array(compressed.prefix(10))),
            ServerFrame(fin: true, rsv: 4, opcode: .continuation, payload: Array(compressed.dropFirst(10)))
        )
        #expect(events.violations == [.compressedContinuationFrame])
    }

    @Test func corruptDataFailsWith1007AndKeepsWhatCameBefore() {
        var connection = Self.compressedConnection()
        let server = ReferenceDeflater(windowBits: 15)
        let events = connection.feed(
            ServerFrame(rsv: 4, opcode: .text, payload: server.compress(Array("kept".utf8))),
            ServerFrame(rsv: 4, opcode: .text, payload: [0xFF, 0xFF, 0xFF, 0xFF])
        )
        #expect(events.withoutFrames.first == .text("kept"))
        #expect(events.violations.map(\.name) == ["corrupt_compressed_data"])
        #expect(connection.sentFrames().last?.closeCode == 1007)
        #expect(connection.state == .closing)
    }

    @Test func invalidUTF8InsideACompressedTextFailsWith1007() {
        var connection = Self.compressedConnection()
        let bad = ReferenceDeflater(windowBits: 15).compress(Array("ok ".utf8) + [0xC0, 0x80])
        let events = connection.feed(ServerFrame(rsv: 4, opcode: .text, payload: bad))
        #expect(events.violations == [.invalidUTF8(offset: 3)])
        #expect(connection.sentFrames().last?.closeCode == 1007)
    }

    @Test func bombStopsAtTheLimitWhileInflating() {
        // 16 MiB of zeros deflate to about 16 KiB; the limit is 1 MiB.
        let bomb = ReferenceDeflater(windowBits: 15).compress([UInt8](repeating: 0, count: 16 * 1024 * 1024))
        #expect(bomb.count < 20 * 1024)
        var fresh = Self.compressedConnection(maxMessageSize: 1024 * 1024)
        let events = fresh.feed(
            .text("before the bomb"),
            ServerFrame(rsv: 4, opcode: .binary, payload: bomb)
        )
        #expect(events.withoutFrames.first == .text("before the bomb"))
        #expect(events.violations == [.inflatedMessageTooLarge(limit: 1024 * 1024)])
        #expect(fresh.sentFrames().last?.closeCode == 1009)
    }

    @Test func engineNeverKeepsMoreThanTheLimit() {
        let bomb = ReferenceDeflater(windowBits: 15).compress([UInt8](repeating: 0, count: 16 * 1024 * 1024))
        var parameters = PerMessageDeflateParameters()
        parameters.serverMaxWindowBits = 15
        let engine = ZlibDeflateEngineFactory().makeEngine(parameters)!
        var output: [UInt8] = []
        let outcome = bomb.withUnsafeBytes { engine.inflate($0, isMessageEnd: true, into: &output, limit: 100_000) }
        #expect(outcome == .limitExceeded)
        #expect(output.count <= 100_001)
    }

    @Test func messageExactlyAtTheLimitPasses() {
        let message = [UInt8](repeating: 0x61, count: 4096)
        var connection = Self.compressedConnection(maxMessageSize: 4096)
        let events = connection.feed(
            ServerFrame(rsv: 4, opcode: .binary, payload: ReferenceDeflater(windowBits: 15).compress(message))
        )
        #expect(events.withoutFrames == [.binary(message)])
    }

    @Test func sentMessagesAreCompressedWithRSV1AndControlFramesNeverAre() throws {
        var connection = Self.compressedConnection()
        let text = String(decoding: Self.json, as: UTF8.self)
        try connection.sendText(text)
        try connection.sendBinary(Self.json)
        try connection.sendPing([1, 2])
        try connection.close(code: .normalClosure, reason: "bye")
        let sent = connection.sentFrames()
        #expect(sent.map(\.rsv) == [4, 4, 0, 0])
        let reader = ReferenceInflater(windowBits: 15)
        #expect(reader.decompress(sent[0].payload, expectedSize: Self.json.count) == Self.json)
        #expect(reader.decompress(sent[1].payload, expectedSize: Self.json.count) == Self.json)
        #expect(sent[1].payload.count < sent[0].payload.count)  // context taken over
        let records = self.frames(connection.takeEvents())
        #expect(records[0].messageSize == UInt64(Self.json.count))
        #expect(records[0].length == UInt64(sent[0].payload.count))
    }

    @Test func clientNoContextTakeoverMakesEveryMessageStandAlone() throws {
        var connection = Self.compressedConnection(answer: "permessage-deflate; client_no_context_takeover")
        try connection.sendBinary(Self.json)
        try connection.sendBinary(Self.json)
        let sent = connection.sentFrames()
        #expect(sent[0].payload == sent[1].payload)
        // A fresh inflater reads the second on its own.
        #expect(
            ReferenceInflater(windowBits: 15).decompress(sent[1].payload, expectedSize: Self.json.count) == Self.json
        )
    }

    @Test func fragmentsGoUncompressed() throws {
        var connection = Self.compressedConnection()
        try connection.sendFragment(Array("ab".utf8), kind: .text, isFinal: false)
        try connection.sendFragment(Array("cd".utf8), kind: .text, isFinal: true)
        #expect(connection.sentFrames().map(\.rsv) == [0, 0])
    }

    /// Text whose repeats lie 300–2,000 bytes apart: a window too small for the distances
    /// used shows up as a zlib error.
    static let farRepeats: [UInt8] = {
        var generator = SeededRandom(seed: 11)
        let words = (0..<64).map { index in
            "w\(index)"
                + String((0..<8).map { _ in Character(UnicodeScalar(UInt8.random(in: 97...122, using: &generator))) })
        }
        return Array(
            (0..<3000).map { _ in words[Int.random(in: 0..<64, using: &generator)] }.joined(separator: " ").utf8
        )
    }()

    @Test(arguments: 8...15)
    func windowBitsRoundTripBothWays(bits: Int) throws {
        var offer = PerMessageDeflateOffer()
        offer.serverMaxWindowBits = bits
        var connection = Self.compressedConnection(
            answer: "permessage-deflate; server_max_window_bits=\(bits); client_max_window_bits=\(bits)",
            offer: offer
        )
        // Server to us: what a zlib peer sends for this window (9 bits when asked for 8).
        let server = ReferenceDeflater(windowBits: bits)
        for _ in 0..<2 {
            let events = connection.feed(
                ServerFrame(rsv: 4, opcode: .binary, payload: server.compress(Self.farRepeats))
            )
            #expect(events.withoutFrames == [.binary(Self.farRepeats)])
        }
        // Us to the server: an inflater with exactly this window must read it, 8 bits included.
        try connection.sendBinary(Self.farRepeats)
        try connection.sendBinary(Self.farRepeats)
        let reader = ReferenceInflater(windowBits: bits)
        for frame in connection.sentFrames() {
            #expect(frame.rsv == 4)
            #expect(reader.decompress(frame.payload, expectedSize: Self.farRepeats.count) == Self.farRepeats)
            #expect(frame.payload.count < Self.farRepeats.count)
        }
    }

    @Test func aTooSmallInflateWindowReallyFailsOnFarRepeats() {
        // The check above has teeth: 15-bit output read with 8 bits fails.
        let compressed = ReferenceDeflater(windowBits: 15).compress(Self.farRepeats)
        #expect(ReferenceInflater(windowBits: 8).decompress(compressed, expectedSize: Self.farRepeats.count) == nil)
    }
}
