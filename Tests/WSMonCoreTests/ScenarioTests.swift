import Testing
import WSMonCore
import WSMonTestSupport

/// The five bugs of ARCHITECTURE.md, as the core sees them.
@Suite("The five scenarios, at the core")
struct ScenarioTests {
    @Test("1. The last message before Close is delivered before the close (websockets 14.0)")
    func lastMessageBeforeClose() {
        for split in [false, true] {
            var connection = openConnection()
            let bytes = [ServerFrame.text("last words"), .binary([1, 2, 3]), .close(1000, "done")].bytes
            var events: [WebSocketEvent] = []
            for read in split ? bytes.map({ [$0] }) : [bytes] { events += connection.feed(read) }
            connection.receiveEOF()
            events += connection.takeEvents()
            let kinds = events.withoutFrames.map { event -> String in
                switch event {
                case .text(let text): return "text:\(text)"
                case .binary: return "binary"
                case .closeReceived: return "closeReceived"
                case .closeSent: return "closeSent"
                case .closed: return "closed"
                default: return "\(event)"
                }
            }
            #expect(kinds == ["text:last words", "binary", "closeReceived", "closeSent", "closed"])
        }
    }

    @Test("2. A Close received after our close() never causes a second Close (nhooyr)")
    func closeReceivedAfterClose() throws {
        // Our close() first, then theirs.
        var localFirst = openConnection()
        try localFirst.close(code: .goingAway)
        _ = localFirst.feed(.close(1000))
        #expect(localFirst.sentFrames().map(\.closeCode) == [1001])
        // Theirs first (auto-replied), then our close() — refused, nothing sent.
        var peerFirst = openConnection()
        _ = peerFirst.feed(.close(1000))
        #expect(throws: UsageError.closeAlreadySent(.closedAwaitingTransport)) { try peerFirst.close() }
        #expect(peerFirst.sentFrames().map(\.closeCode) == [1000])
        // Both in one read after our close: the server's second Close is a recorded violation.
        var twice = openConnection()
        try twice.close()
        let events = twice.feed(.close(1000), .close(1000))
        #expect(events.violations == [.secondCloseFrame])
        #expect(twice.sentFrames().map(\.closeCode) == [1000])
    }

    @Test("3. Half-closed is a state of its own, bounded by the close timeout (Node ws)")
    func halfClosed() throws {
        var options = ConnectionOptions()
        options.replyToCloseAutomatically = false
        var connection = openConnection(options: options)
        _ = connection.feed(.close(1000))
        #expect(connection.state == .halfClosed)
        #expect(connection.isCloseHandshakeInProgress, "the caller runs its close timer")
        connection.closeTimeoutExpired()
        #expect(connection.shouldCloseTransport)
        #expect(connection.takeEvents().summary?.closeTimeoutFiredIn == .halfClosed)

        // The server sends Close and keeps TCP open: after our reply the wait is bounded too.
        var lingering = openConnection()
        _ = lingering.feed(.close(1000))
        #expect(lingering.state == .closedAwaitingTransport)
        lingering.closeTimeoutExpired()
        #expect(lingering.takeEvents().summary?.closeTimeoutFiredIn == .closedAwaitingTransport)
    }

    @Test("4. A server Close is reported with what a reconnect policy needs (websocket-client)")
    func serverCloseCarriesTheReconnectInputs() throws {
        var connection = openConnection()
        _ = connection.feed(.close(1011, "pong timeout"))
        connection.receiveEOF()
        let summary = try #require(connection.takeEvents().summary)
        #expect(summary.initiator == .remote)
        #expect(summary.code == .internalError)
        #expect(summary.reason == "pong timeout")
        #expect(summary.wasClean)
    }

    @Test("5. Each connection reports its own open exactly once (websocket-client on_reconnect)")
    func eachConnectionOpensOnce() {
        var opens = 0
        for seed: UInt64 in 1...2 {
            var connection = try! ClientConnection(
                url: try! WebSocketURL(parsing: "ws://example.com/"),
                random: SeededRandom(seed: seed)
            )
            _ = connection.takeBytesToSend()
            let events = connection.feed(acceptingResponse(for: connection) + acceptingResponse(for: connection))
            opens += events.count { if case .opened = $0 { return true } else { return false } }
            #expect(connection.state == .closing, "a second response head is not a frame: protocol error")
        }
        #expect(opens == 2)
    }
}
