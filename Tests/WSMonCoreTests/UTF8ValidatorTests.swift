import PropertyBased
import Testing
import WSMonCore
import WSMonTestSupport

@Suite("Incremental UTF-8 validation (RFC 3629)")
struct UTF8ValidatorTests {
    /// (bytes, index of the first bad byte or nil, complete at the end)
    static let vectors: [([UInt8], Int?, Bool)] = [
        (Array("plain ascii that is long enough to use the word-wise path".utf8), nil, true),
        (Array("κόσμε".utf8), nil, true),
        ([0xF0, 0x9F, 0x98, 0x80], nil, true),  // 😀
        ([0xF4, 0x8F, 0xBF, 0xBF], nil, true),  // U+10FFFF
        ([0xF4, 0x90, 0x80, 0x80], 1, false),  // above U+10FFFF
        ([0xC0, 0xAF], 0, false),  // overlong "/"
        ([0xE0, 0x80, 0xAF], 1, false),  // overlong
        ([0xF0, 0x80, 0x80, 0xAF], 1, false),  // overlong
        ([0xED, 0xA0, 0x80], 1, false),  // surrogate U+D800
        ([0xED, 0x9F, 0xBF], nil, true),  // U+D7FF
        ([0xF8, 0x88, 0x80, 0x80, 0x80], 0, false),  // 5-byte lead
        ([0x80], 0, false),  // lone continuation
        ([0xE2, 0x82], nil, false),  // truncated €
        ([0xE2, 0x82, 0x41], 2, false),
        (Array(repeating: 0x41, count: 40) + [0xFE], 40, false),
    ]

    @Test(arguments: Self.vectors.indices)
    func knownVectors(row: Int) {
        let (bytes, bad, complete) = Self.vectors[row]
        var validator = UTF8Validator()
        #expect(validator.validate(bytes) == bad)
        if bad == nil { #expect(validator.isComplete == complete) }
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytes() async {
        await propertyCheck(count: 500, input: Gen.uint64()) { seed in
            var random = SeededRandom(seed: seed)
            let length = Int.random(in: 0...64, using: &random)
            // Mostly valid text with a few random bytes thrown in.
            var bytes = Array(RandomTraffic.text(using: &random).utf8.prefix(length))
            for _ in 0..<Int.random(in: 0...2, using: &random) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            var validator = UTF8Validator()
            let ours = validator.validate(bytes) == nil && validator.isComplete
            #expect(ours == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }

    @Test func splittingTheInputAnywhereGivesTheSameVerdict() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = SeededRandom(seed: seed)
            var bytes = Array(RandomTraffic.text(using: &random).utf8)
            if Bool.random(using: &random), !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = 0xFF
            }
            var whole = UTF8Validator()
            let wholeResult = whole.validate(bytes)
            var pieces = UTF8Validator()
            var offset = 0
            var piecesResult: Int?
            for read in RandomTraffic.reads(of: bytes, using: &random) {
                if let bad = pieces.validate(read) {
                    piecesResult = offset + bad
                    break
                }
                offset += read.count
            }
            #expect(piecesResult == wholeResult)
            if wholeResult == nil { #expect(pieces.isComplete == whole.isComplete) }
        }
    }

    @Test func aCodePointSplitAcrossFragmentsIsAccepted() {
        var connection = openConnection()
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        let events = connection.feed(
            ServerFrame(fin: false, opcode: .text, payload: [euro[0]]),
            .continuation([euro[1]], fin: false),
            .continuation([euro[2]], fin: true)
        )
        #expect(events.withoutFrames == [.text("€")])
    }

    @Test func invalidTextFailsBeforeTheFrameIsComplete() {
        // Fail fast: the bad byte is the first of a 1000-byte frame; the rest never arrives.
        var connection = openConnection()
        let frame = ServerFrame(opcode: .text, payload: [0xC0] + Array(repeating: 0x41, count: 999)).bytes
        let events = connection.feed(Array(frame.prefix(10)))
        #expect(events.violations == [.invalidUTF8(offset: 0)])
        #expect(connection.sentFrames().first?.closeCode == 1007)
    }

    @Test func invalidContinuationAcrossFragmentsFailsAtTheRightOffset() {
        var connection = openConnection()
        let events = connection.feed(
            ServerFrame(fin: false, opcode: .text, payload: [0x41, 0xE2]),
            .continuation([0x28], fin: true)
        )
        #expect(events.violations == [.invalidUTF8(offset: 2)])
    }
}
