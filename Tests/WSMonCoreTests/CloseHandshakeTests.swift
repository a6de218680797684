import Testing
import WSMonCore
import WSMonTestSupport

@Suite("Close handshake (RFC 6455 §5.5.1, §7)")
struct CloseHandshakeTests {
    @Test func clientSendsCloseThenReceivesClose() throws {
        var connection = openConnection()
        try connection.close(code: .normalClosure, reason: "bye")
        #expect(connection.state == .closing)
        #expect(connection.isCloseHandshakeInProgress)
        #expect(
            connection.sentFrames() == [
                SentFrame(fin: true, opcode: .close, masked: true, payload: [0x03, 0xE8] + Array("bye".utf8))
            ]
        )
        #expect(connection.takeEvents().withoutFrames == [.closeSent(CloseFrame(code: .normalClosure, reason: "bye"))])

        let events = connection.feed(.close(1000, "ok"))
        #expect(events.withoutFrames == [.closeReceived(CloseFrame(code: .normalClosure, reason: "ok"))])
        #expect(connection.state == .closedAwaitingTransport, "§7.1.1: the server closes TCP first")
        #expect(!connection.shouldCloseTransport)
        #expect(connection.sentFrames().isEmpty)

        connection.receiveEOF()
        let summary = try #require(connection.takeEvents().summary)
        #expect(connection.shouldCloseTransport)
        #expect(summary.initiator == .local)
        #expect(summary.sent == CloseFrame(code: .normalClosure, reason: "bye"))
        #expect(summary.received == CloseFrame(code: .normalClosure, reason: "ok"))
        #expect(summary.wasClean)
        #expect(summary.transportClosedBy == .peer)
        #expect(summary.code == .normalClosure)
        #expect(summary.reason == "ok")
    }

    @Test func clientReceivesCloseAndEchoesItsPayloadByteForByte() throws {
        var connection = openConnection()
        let events = connection.feed(.close(4001, "gone ☃"))
        #expect(
            events.withoutFrames == [
                .closeReceived(CloseFrame(code: CloseCode(4001), reason: "gone ☃")),
                .closeSent(CloseFrame(code: CloseCode(4001), reason: "gone ☃")),
            ]
        )
        #expect(connection.sentFrames().map(\.payload) == [ServerFrame.close(4001, "gone ☃").payload])
        #expect(connection.state == .closedAwaitingTransport)
        connection.receiveEOF()
        let summary = try #require(connection.takeEvents().summary)
        #expect(summary.initiator == .remote)
        #expect(summary.wasClean)
        #expect(
            summary.description
                == "received 4001 \"gone ☃\"; then sent 4001 \"gone ☃\", initiated by remote, TCP closed by peer, clean"
        )
    }

    @Test func emptyCloseIsReportedAs1005AndEchoedEmpty() throws {
        var connection = openConnection()
        _ = connection.feed(.close(nil))
        #expect(connection.sentFrames() == [SentFrame(fin: true, opcode: .close, masked: true, payload: [])])
        connection.receiveEOF()
        let summary = try #require(connection.takeEvents().summary)
        #expect(summary.code == .noStatusReceived)
        #expect(summary.received?.code == nil)
        #expect(summary.wasClean)
    }

    @Test func eofWithoutCloseIs1006AndNeverConfusedWith1005() throws {
        var connection = openConnection()
        connection.receiveEOF()
        let summary = try #require(connection.takeEvents().summary)
        #expect(summary.code == .abnormalClosure)
        #expect(summary.initiator == .transport)
        #expect(summary.received == nil)
        #expect(!summary.wasClean)
        #expect(connection.sentFrames().isEmpty, "nothing is sent on a dead connection")
    }

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999])
    func validCodesAreAcceptedAndEchoed(code: Int) {
        var connection = openConnection()
        let events = connection.feed(.close(UInt16(code)))
        #expect(events.violations.isEmpty)
        #expect(connection.sentFrames().first?.closeCode == UInt16(code))
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535])
    func closeRefusesCodesThatMayNotBeSent(code: Int) {
        var connection = openConnection()
        #expect(throws: UsageError.invalidCloseCode(UInt16(code))) {
            try connection.close(code: CloseCode(UInt16(code)))
        }
        #expect(connection.state == .open)
        #expect(connection.sentFrames().isEmpty)
    }

    @Test func closeRefusesAReasonOver123Bytes() throws {
        var connection = openConnection()
        #expect(throws: UsageError.closeReasonTooLong(byteCount: 124)) {
            try connection.close(reason: String(repeating: "r", count: 124))
        }
        try connection.close(reason: String(repeating: "é", count: 61) + "x")
        #expect(connection.sentFrames().first?.payload.count == 125)
    }

    @Test func sendingAfterCloseIsAClearErrorNeverACrash() throws {
        var connection = openConnection()
        try connection.close()
        #expect(throws: UsageError.closeAlreadySent(.closing)) { try connection.sendText("late") }
        #expect(throws: UsageError.closeAlreadySent(.closing)) { try connection.sendBinary([1]) }
        #expect(throws: UsageError.closeAlreadySent(.closing)) { try connection.sendPing() }
        #expect(throws: UsageError.closeAlreadySent(.closing)) { try connection.close() }
        _ = connection.feed(.close(1000))
        connection.receiveEOF()
        #expect(throws: UsageError.closeAlreadySent(.closed)) { try connection.sendText("later") }
        #expect(throws: UsageError.closeAlreadySent(.closed)) { try connection.close() }
    }

    @Test func framesAfterThePeersCloseAreViolationsNotDelivered() {
        var connection = openConnection()
        let events = connection.feed(.close(1000), .text("late"), .ping([1]), .close(1000))
        #expect(events.violations == [.frameAfterClose(.text), .frameAfterClose(.ping), .secondCloseFrame])
        #expect(!events.contains(.text("late")))
        #expect(connection.sentFrames().count == 1, "one Close, no pong")
        #expect(connection.state == .closedAwaitingTransport)
    }

    @Test func halfClosedHoldsUntilTheCallerReplies() throws {
        var options = ConnectionOptions()
        options.replyToCloseAutomatically = false
        var connection = openConnection(options: options)
        _ = connection.feed(.close(1001, "restart"))
        #expect(connection.state == .halfClosed)
        #expect(connection.isCloseHandshakeInProgress)
        #expect(connection.sentFrames().isEmpty)
        #expect(throws: UsageError.peerClosed) { try connection.sendText("new message") }
        try connection.close(code: CloseCode(4000), reason: "ignored: a reply echoes")
        #expect(connection.sentFrames().map(\.payload) == [ServerFrame.close(1001, "restart").payload])
        #expect(connection.state == .closedAwaitingTransport)
    }

    @Test func halfClosedLastsWhileAnOutgoingMessageIsFinished() throws {
        var connection = openConnection()
        try connection.sendFragment([1, 2], kind: .binary, isFinal: false)
        _ = connection.sentFrames()
        _ = connection.feed(.close(1000))
        #expect(connection.state == .halfClosed, "§5.5.1: the Close may wait for the message being sent")
        try connection.sendFragment([3], kind: .binary, isFinal: true)
        #expect(connection.sentFrames().map(\.opcode) == [.continuation, .close])
        #expect(connection.state == .closedAwaitingTransport)
    }

    @Test func closeTimeoutRecordsTheStateItWasStuckIn() throws {
        var options = ConnectionOptions()
        options.replyToCloseAutomatically = false
        var halfClosed = openConnection(options: options)
        _ = halfClosed.feed(.close(1000))
        halfClosed.closeTimeoutExpired()
        let stuck = try #require(halfClosed.takeEvents().summary)
        #expect(stuck.closeTimeoutFiredIn == .halfClosed)
        #expect(stuck.transportClosedBy == .local)
        #expect(!stuck.wasClean)

        var closing = openConnection()
        try closing.close()
        closing.closeTimeoutExpired()
        #expect(closing.takeEvents().summary?.closeTimeoutFiredIn == .closing)

        var awaiting = openConnection()
        _ = awaiting.feed(.close(1000))
        awaiting.closeTimeoutExpired()
        let summary = try #require(awaiting.takeEvents().summary)
        #expect(summary.closeTimeoutFiredIn == .closedAwaitingTransport)
        #expect(summary.wasClean, "both Close frames were exchanged; only the server's FIN was late")
    }

    @Test func closeInsideAFragmentedMessageIsAcceptedAndThePartReported() {
        // Autobahn 7.1.5, which Python websockets answers with 1002.
        var connection = openConnection()
        let events = connection.feed(.text("frag", fin: false), .close(1000))
        #expect(
            events.withoutFrames == [
                .partialMessageDiscarded(.text, byteCount: 4), .closeReceived(CloseFrame(code: .normalClosure)),
                .closeSent(CloseFrame(code: .normalClosure)),
            ]
        )
        #expect(connection.sentFrames().first?.closeCode == 1000)
    }

    @Test func localFailureSendsItsCodeOnce() throws {
        var connection = openConnection()
        connection.fail(code: .internalError, reason: "keepalive ping timeout")
        connection.fail(code: .internalError, reason: "again")
        #expect(connection.sentFrames().map(\.closeCode) == [1011])
        connection.receiveEOF()
        let summary = try #require(connection.takeEvents().summary)
        #expect(summary.failure == .local(code: .internalError, reason: "keepalive ping timeout"))
        #expect(summary.initiator == .failure)
    }

    @Test func abortDropsWithoutAClose() throws {
        var connection = openConnection()
        connection.abort(reason: "user pressed x")
        #expect(connection.sentFrames().isEmpty)
        #expect(connection.shouldCloseTransport)
        let summary = try #require(connection.takeEvents().summary)
        #expect(summary.failure == .aborted(reason: "user pressed x"))
        #expect(summary.code == .abnormalClosure)
    }

    /// The inputs that can each lead to a Close frame being sent.
    enum Step: CaseIterable, CustomStringConvertible {
        case localClose, peerClose, peerViolation, localFailure, eof, closeTimeout

        var description: String { "\(self)" }

        func apply(to connection: inout ClientConnection) {
            switch self {
            case .localClose: try? connection.close(code: .goingAway, reason: "local")
            case .peerClose: connection.receive(ServerFrame.close(1000, "peer").bytes)
            case .peerViolation: connection.receive(ServerFrame(opcode: Opcode(rawValue: 5)).bytes)
            case .localFailure: connection.fail(code: .internalError, reason: "local failure")
            case .eof: connection.receiveEOF()
            case .closeTimeout: connection.closeTimeoutExpired()
            }
        }
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }

    @Test(arguments: [true, false])
    func exactlyOneCloseFrameIsSentWhateverTheOrder(autoReply: Bool) {
        var options = ConnectionOptions()
        options.replyToCloseAutomatically = autoReply
        for order in Self.permutations(Step.allCases) {
            var connection = openConnection(options: options)
            var events: [WebSocketEvent] = []
            var sent: [SentFrame] = []
            for step in order {
                step.apply(to: &connection)
                events += connection.takeEvents()
                sent += connection.sentFrames()
            }
            let closes = sent.filter { $0.opcode == .close }
            if autoReply {
                // While open, every step but EOF (and the no-op timeout) leads to our Close.
                let decisive = order.first { $0 != .closeTimeout }
                #expect(closes.count == (decisive == .eof ? 0 : 1), "order \(order): \(sent)")
            }
            #expect(closes.count <= 1, "order \(order)")
            #expect(sent.last.map { $0.opcode == .close } ?? true, "nothing follows our Close: \(order)")
            #expect(events.closeSentCount == closes.count)
            #expect(events.count { if case .closed = $0 { return true } else { return false } } == 1, "order \(order)")
            #expect(connection.state == .closed)
        }
    }
}
