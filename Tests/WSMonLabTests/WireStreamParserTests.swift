import Testing

@testable import WSMonLab

@Suite("Wire tap: reading one direction of a connection")
struct WireStreamParserTests {
    static let request = Array("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n\r\n".utf8)
    static let accepted = Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n".utf8)
    static let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    /// A client frame: masked with `key`, the length in the shortest form.
    static func masked(_ first: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [first, 0x80 | UInt8(payload.count)] + Self.key
            + payload.enumerated().map { $0.element ^ Self.key[$0.offset % 4] }
    }

    static func feedWhole(_ bytes: [UInt8], as direction: WireDirection) -> [WireStreamParser.Output] {
        var parser = WireStreamParser(direction: direction)
        return parser.feed(bytes)
    }

    @Test func aClientsHeadAndMaskedFramesAreReadWhateverTheSplit() {
        let stream =
            Self.request + Self.masked(0x81, Array("hi".utf8)) + Self.masked(0x88, [0x03, 0xE8] + Array("bye".utf8))
        let expected: [WireStreamParser.Output] = [
            .httpLine("GET /chat HTTP/1.1"),
            .frame(WireFrame(opcode: 1, fin: true, isMasked: true, length: 2, text: "hi")),
            .frame(WireFrame(opcode: 8, fin: true, isMasked: true, length: 5, closeCode: 1000, closeReason: "bye")),
        ]
        #expect(Self.feedWhole(stream, as: .clientToServer) == expected)
        for split in 0...stream.count {
            var parser = WireStreamParser(direction: .clientToServer)
            let outputs = parser.feed(stream[..<split]) + parser.feed(stream[split...])
            #expect(outputs == expected, "split at \(split)")
        }
        var parser = WireStreamParser(direction: .clientToServer)
        #expect(stream.flatMap { parser.feed(CollectionOfOne($0)) } == expected, "one byte at a time")
    }

    @Test func longPayloadsAreCountedNotKeptAndTheNextFrameIsStillFound() {
        let medium = [0x82, 126, 0x01, 0x2C] + [UInt8](repeating: 7, count: 300)
        let long = [0x02, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70] + [UInt8](repeating: 9, count: 70_000)
        let pong: [UInt8] = [0x8A, 0x01, 0x21]
        let outputs = Self.feedWhole(Self.accepted + medium + long + pong, as: .serverToClient)
        #expect(
            outputs == [
                .httpLine("HTTP/1.1 101 Switching Protocols"),
                .frame(WireFrame(opcode: 2, fin: true, isMasked: false, length: 300)),
                .frame(WireFrame(opcode: 2, fin: false, isMasked: false, length: 70_000)),
                .frame(WireFrame(opcode: 0xA, fin: true, isMasked: false, length: 1, text: "!")),
            ]
        )
    }

    @Test func reservedBitsContinuationsAndAnEmptyCloseAreReportedAsSent() {
        let frames: [UInt8] = [0x41, 0x01, 0x61, 0x80, 0x01, 0x62, 0x88, 0x00]
        #expect(
            Self.feedWhole(Self.accepted + frames, as: .serverToClient).dropFirst() == [
                .frame(WireFrame(opcode: 1, fin: false, rsv: 4, isMasked: false, length: 1, text: "a")),
                .frame(WireFrame(opcode: 0, fin: true, isMasked: false, length: 1)),
                .frame(WireFrame(opcode: 8, fin: true, isMasked: false, length: 0)),
            ]
        )
    }

    @Test func aRefusedUpgradeStaysHTTP() {
        let response = Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n\u{81}\u{01}".utf8)
        #expect(Self.feedWhole(response, as: .serverToClient) == [.httpLine("HTTP/1.1 503 Service Unavailable")])
    }

    @Test func aHeadWithoutItsBlankLineIsGivenUpAtTheLimit() {
        let endless = Array("GET / HTTP/1.1\r\n".utf8) + [UInt8](repeating: 0x41, count: WireStreamParser.headLimit)
        #expect(Self.feedWhole(endless + Self.masked(0x81, [0x41]), as: .clientToServer).isEmpty)
    }
}
