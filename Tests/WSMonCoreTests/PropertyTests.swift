import PropertyBased
import Testing
import WSMonCore
import WSMonTestSupport

@Suite("Properties: splitting and fragmentation never change what is received")
struct PropertyTests {
    private func events(feeding reads: [[UInt8]]) -> [WebSocketEvent] {
        var connection = openConnection()
        var events: [WebSocketEvent] = []
        for read in reads {
            connection.receive(read)
            events += connection.takeEvents()
        }
        return events
    }

    /// Frame-by-frame delivery: stop after each message, then feed the rest.
    private func eventsMessageByMessage(_ bytes: [UInt8]) -> [WebSocketEvent] {
        var connection = openConnection()
        var events: [WebSocketEvent] = []
        var offset = 0
        while offset < bytes.count {
            let consumed = bytes[offset...].withUnsafeBytes { connection.receive($0, stoppingAfterMessage: true) }
            #expect(consumed > 0)
            offset += max(consumed, 1)
            events += connection.takeEvents()
        }
        return events
    }

    @Test func splittingTheStreamAnywhereGivesTheSameEvents() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var random = SeededRandom(seed: seed)
            let messages = RandomTraffic.messages(using: &random)
            let bytes =
                messages.flatMap { RandomTraffic.frames(for: $0, using: &random) }.bytes + ServerFrame.close(1000).bytes
            let whole = self.events(feeding: [bytes])
            let split = self.events(feeding: RandomTraffic.reads(of: bytes, using: &random))
            let byteByByte = self.events(feeding: bytes.map { [$0] })
            #expect(split == whole)
            #expect(byteByByte == whole)
            #expect(self.eventsMessageByMessage(bytes) == whole)
        }
    }

    @Test func fragmentingMessagesAnywhereDeliversTheSameMessages() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var random = SeededRandom(seed: seed)
            let messages = RandomTraffic.messages(using: &random)
            let bytes =
                messages.flatMap { RandomTraffic.frames(for: $0, using: &random) }.bytes + ServerFrame.close(1000).bytes
            let delivered = self.events(feeding: RandomTraffic.reads(of: bytes, using: &random)).filter {
                switch $0 {
                case .text, .binary: return true
                default: return false
                }
            }
            #expect(delivered == messages.map(\.event))
        }
    }

    @Test func aBadByteIsFoundAtTheSamePlaceHoweverItArrives() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var random = SeededRandom(seed: seed)
            var text = Array(RandomTraffic.text(using: &random).utf8)
            let position = Int.random(in: 0...text.count, using: &random)
            text.insert(0xFF, at: position)
            let frames = RandomTraffic.frames(for: .binary(text), using: &random).map {
                var frame = $0
                if frame.opcode == .binary { frame.opcode = .text }
                return frame
            }
            let bytes = [ServerFrame.text("before")].bytes + frames.bytes
            let whole = self.events(feeding: [bytes])
            #expect(whole.violations == [.invalidUTF8(offset: position)])
            #expect(whole.contains(.text("before")))
            #expect(
                self.events(feeding: RandomTraffic.reads(of: bytes, using: &random)).withoutFrames
                    == whole.withoutFrames
            )
        }
    }
}
