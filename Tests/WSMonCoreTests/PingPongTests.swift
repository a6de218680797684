import Testing
import WSMonCore
import WSMonTestSupport

@Suite("Ping and pong (RFC 6455 §5.5.2, §5.5.3)")
struct PingPongTests {
    @Test func pingIsAnsweredWithTheSamePayload() {
        var connection = openConnection()
        let events = connection.feed(.ping(Array("are you there".utf8)))
        #expect(events.withoutFrames == [.ping(Array("are you there".utf8))])
        #expect(
            connection.sentFrames() == [
                SentFrame(fin: true, opcode: .pong, masked: true, payload: Array("are you there".utf8))
            ]
        )
    }

    @Test func pongIsMatchedToItsPingAndAnswersOlderOnes() throws {
        var connection = openConnection()
        let first = try connection.sendPing([1])
        let second = try connection.sendPing([2])
        let third = try connection.sendPing()
        let payloads = connection.sentFrames().map(\.payload)
        #expect(payloads[0] == [1] && payloads[1] == [2] && payloads[2].count == 4)
        #expect(first < second && second < third)

        #expect(connection.feed(.pong([2])).withoutFrames == [.pong([2], answering: second)])
        #expect(connection.feed(.pong([1])).withoutFrames == [.pong([1], answering: nil)], "answered by the later pong")
        #expect(connection.feed(.pong(payloads[2])).withoutFrames == [.pong(payloads[2], answering: third)])
        #expect(connection.feed(.pong([9])).withoutFrames == [.pong([9], answering: nil)], "unsolicited pongs are fine")
    }

    @Test func pingPayloadOver125BytesIsRefused() {
        var connection = openConnection()
        #expect(throws: UsageError.controlPayloadTooLong(byteCount: 126)) {
            try connection.sendPing(Array(repeating: 0, count: 126))
        }
    }

    @Test func noPongIsSentAfterOurClose() throws {
        var connection = openConnection()
        try connection.close()
        _ = connection.sentFrames()
        _ = connection.takeEvents()
        #expect(connection.feed(.ping([5])).withoutFrames == [.ping([5])])
        #expect(connection.sentFrames().isEmpty)
    }
}
