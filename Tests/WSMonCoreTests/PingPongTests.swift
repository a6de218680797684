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

@Suite("Pongs and repeated violations under load")
struct PongCoalescingTests {
    @Test func whileOutboundIsBlockedOnlyTheLatestPingIsAnswered() {
        var connection = openConnection()
        connection.setOutboundBlocked(true)
        _ = connection.feed(.ping([1]), .ping([2]), .ping([3]))
        #expect(connection.sentFrames().isEmpty, "nothing queued while the caller cannot write")
        connection.setOutboundBlocked(false)
        #expect(connection.sentFrames().map(\.payload) == [[3]], "§5.5.3: the most recent ping only")
        _ = connection.feed(.ping([4]))
        #expect(connection.sentFrames().map(\.payload) == [[4]])
    }

    @Test func aHeldPongIsDroppedOnceOurCloseIsOut() throws {
        var connection = openConnection()
        connection.setOutboundBlocked(true)
        _ = connection.feed(.ping([1]))
        try connection.close()
        _ = connection.sentFrames()
        connection.setOutboundBlocked(false)
        #expect(connection.sentFrames().isEmpty, "§5.5.2: nothing after our Close")
    }

    @Test func frameByFrameReceivingStopsAfterEachControlFrame() {
        var connection = openConnection()
        let bytes = [ServerFrame.ping([1]), .ping([2]), .text("after")].bytes
        let consumed = bytes.withUnsafeBytes { connection.receive($0, stoppingAfterMessage: true) }
        #expect(consumed == 3, "one ping frame: 2 header bytes and its payload")
        #expect(connection.takeEvents().withoutFrames == [.ping([1])])
    }

    @Test func repeatsOfANonFatalViolationAreCountedNotEachReported() {
        var connection = openConnection()
        _ = connection.feed(.close(1000, "bye"))
        let frames = (0..<10).map { _ in ServerFrame.text("late") }
        let events = connection.feed(frames.bytes)
        let violations = events.filter { if case .violation = $0 { true } else { false } }
        #expect(violations.count == 3)
        connection.receiveEOF()
        guard case .closed(let summary)? = connection.takeEvents().last else {
            Issue.record("the connection ends")
            return
        }
        #expect(summary.violations == 10)
        #expect(summary.unreportedViolations == ["frame_after_close": 7])
        #expect(!summary.wasClean, "a peer that broke the protocol did not close cleanly")
    }
}
