import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonLab
import WSMonTestSupport

/// The client against the scenario lab over real loopback sockets.
@Suite("Client against the lab")
struct LabScenarioTests {
    static func options(_ url: String, _ configure: (inout SessionOptions) -> Void = { _ in }) throws -> SessionOptions
    {
        var options = SessionOptions(url: try WebSocketURL(parsing: url))
        options.pingInterval = nil
        options.reconnect.isEnabled = false
        options.reconnect.backoffInitial = .milliseconds(50)
        options.reconnect.backoffCap = .milliseconds(200)
        options.closeTimeout = .seconds(2)
        options.transportCloseGrace = .milliseconds(300)
        configure(&options)
        return options
    }

    @Test("1. the last message before the server's Close is delivered first")
    func lastMessageBeforeClose() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        recorder.start(try Self.options(lab.url("/last-message-then-close?code=1000&reason=bye")))
        let events = try await recorder.wait { $0.stopped != nil }
        let order = events.compactMap { event -> String? in
            switch event.kind {
            case .connection(.text(let text)): return "text:\(text)"
            case .connection(.closeReceived(let frame)): return "closeReceived:\(frame.reportedCode.rawValue)"
            case .closed: return "closed"
            default: return nil
            }
        }
        #expect(order == ["text:last message", "closeReceived:1000", "closed"])
        let summary = try #require(events.closeSummaries.first)
        #expect(summary.initiator == .remote)
        #expect(summary.reason == "bye")
        #expect(summary.wasClean)
        #expect(
            await lab.recordsOnceClosed().first?.closeCodesReceived == [1000],
            "one Close, echoing the server's code"
        )
    }

    @Test("2. one Close frame, however the two closes cross")
    func closesCrossing() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        // The server closes as soon as it can; the client closes as soon as it opens.
        recorder.start(try Self.options(lab.url("/echo?close-after=0&code=1001"))) { event, session in
            if case .opened = event.kind { session.close(code: CloseCode(4000), reason: "client") }
        }
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.closeFramesSent == 1)
        let record = try #require(await lab.recordsOnceClosed().first)
        #expect(record.closeCodesReceived.count == 1)

        // A server that sends two Close frames gets one back, and the second is a violation.
        let second = SessionRecorder()
        second.start(try Self.options(lab.url("/double-close")))
        let doubled = try await second.wait { $0.stopped != nil }
        #expect(doubled.closeFramesSent == 1)
        #expect(
            doubled.contains {
                if case .connection(.violation(.secondCloseFrame)) = $0.kind { return true } else { return false }
            }
        )
        #expect(await lab.recordsOnceClosed().last?.closeCodesReceived.count == 1)
    }

    @Test("3. Close then no FIN: the wait for TCP is bounded; no answer to ours: the close timeout fires")
    func halfClosedIsBounded() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        recorder.start(try Self.options(lab.url("/half-close?after=0.1")))
        let events = try await recorder.wait { $0.stopped != nil }
        let summary = try #require(events.closeSummaries.first)
        // Ended by the 300 ms grace for the server's FIN (not left open, nor the 2 s timeout).
        #expect(summary.closeTimeoutFiredIn == .closedAwaitingTransport)
        #expect(summary.transportClosedBy == .local)
        #expect(
            events.contains {
                if case .stateChanged(.closedAwaitingTransport) = $0.kind { return true } else { return false }
            }
        )

        let ignoring = SessionRecorder()
        ignoring.start(try Self.options(lab.url("/ignore-close")) { $0.closeTimeout = .milliseconds(400) }) {
            event,
            session in
            if case .opened = event.kind { session.close() }
        }
        let ignored = try await ignoring.wait { $0.stopped != nil }
        #expect(ignored.closeSummaries.first?.closeTimeoutFiredIn == .closing)
        #expect(ignored.contains { if case .stateChanged(.closing) = $0.kind { return true } else { return false } })
    }

    @Test("4. a server Close leads to a reconnect; a stop code ends the session")
    func reconnectAfterServerClose() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        let session = recorder.start(
            try Self.options(lab.url("/server-close?code=1011&reason=pong%20timeout&after=0.1")) {
                $0.reconnect.isEnabled = true
            }
        )
        defer { session.close() }
        let events = try await recorder.wait { $0.opens.count >= 2 }
        #expect(events.closeSummaries.first?.code == .internalError)
        #expect(events.opens.prefix(2).map(\.isReconnect) == [false, true])

        let stopping = SessionRecorder()
        stopping.start(
            try Self.options(lab.url("/server-close?code=1011&after=0.1")) {
                $0.reconnect.isEnabled = true
                $0.reconnect.stopCodes = [1011]
            }
        )
        let stopped = try await stopping.wait { $0.stopped != nil }
        #expect(stopped.stopped == .stopCode(1011))
        #expect(stopped.opens.count == 1)
    }

    @Test("5. open messages on the first open, reconnect messages on each reopen")
    func openVersusReconnectMessages() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        for withReconnectMessages in [true, false] {
            let recorder = SessionRecorder()
            let session = recorder.start(
                try Self.options(lab.url("/echo?close-after=0.15&code=1012&tag=\(withReconnectMessages)")) {
                    $0.reconnect.isEnabled = true
                    $0.messagesOnOpen = [.text("subscribe")]
                    $0.messagesOnReconnect = withReconnectMessages ? [.text("resubscribe")] : nil
                }
            )
            try await recorder.wait { $0.opens.count >= 2 && $0.texts.count >= 2 }
            session.close()
            try await recorder.wait { $0.stopped != nil }
        }
        let records = await lab.recordsOnceClosed()
        let withMessages = records.filter { $0.path.hasSuffix("tag=true") }.map(\.messagesReceived)
        let withoutMessages = records.filter { $0.path.hasSuffix("tag=false") }.map(\.messagesReceived)
        #expect(Array(withMessages.prefix(2)) == [["subscribe"], ["resubscribe"]])
        #expect(Array(withoutMessages.prefix(2)) == [["subscribe"], ["subscribe"]], "falls back to the open messages")
    }

    @Test func rejectionWithRetryAfterIsHonoured() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        let session = recorder.start(
            try Self.options(lab.url("/reject?status=503&retry-after=1")) { $0.reconnect.isEnabled = true }
        )
        defer { session.close() }
        let events = try await recorder.wait {
            $0.contains { if case .reconnectScheduled = $0.kind { return true } else { return false } }
        }
        guard case .handshakeRejected(let rejection)? = events.connectErrors.first else {
            Issue.record("expected a rejection, got \(events.connectErrors)")
            return
        }
        #expect(rejection.statusCode == 503)
        #expect(rejection.retryAfter == .seconds(1))
        #expect(String(decoding: rejection.bodyPreview, as: UTF8.self) == "rejected by wsmon lab\n")
        for case .reconnectScheduled(let delay, _, let retryAfter) in events.map(\.kind) {
            #expect(retryAfter == .seconds(1))
            #expect(delay >= .seconds(1), "never sooner than the server asked")
        }
    }

    @Test(arguments: [
        ("masked", PeerViolation.maskedFrame, UInt16(1002)),
        ("bad-utf8", .invalidUTF8(offset: 1), 1007),
        ("rsv", .reservedBitsSet(4), 1002),
        ("close-1005", .invalidCloseCode(1005), 1002),
        ("unknown-opcode", .unknownOpcode(3), 1002),
        ("fragmented-ping", .fragmentedControlFrame(.ping), 1002),
    ])
    func violationsAreReportedAndFailTheConnection(kind: String, violation: PeerViolation, code: UInt16) async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        recorder.start(try Self.options(lab.url("/violation/\(kind)")))
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(
            events.contains {
                if case .connection(.violation(violation)) = $0.kind { return true } else { return false }
            }
        )
        #expect(await lab.recordsOnceClosed().first?.closeCodesReceived == [code])
        #expect(events.closeSummaries.first?.failure == .peerViolation(violation))
    }

    @Test func droppedTCPIsAn1006Close() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        recorder.start(try Self.options(lab.url("/drop?after=0.05&messages=2")))
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.texts == ["message 1", "message 2"])
        let summary = try #require(events.closeSummaries.first)
        #expect(summary.code == .abnormalClosure)
        #expect(summary.initiator == .transport)
    }

    @Test func slowHandshakeHitsTheOpenTimeout() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        recorder.start(try Self.options(lab.url("/slow-handshake?delay=2")) { $0.openTimeout = .milliseconds(300) })
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.connectErrors == [.openTimeout(phase: .upgrade, limit: .milliseconds(300))])
        #expect(
            events.connectErrors.first?.description
                == "not open within the open timeout (300ms), still waiting for the server's upgrade response"
        )
    }

    @Test func refusedConnectionIsReportedAsSuch() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let recorder = SessionRecorder()
        recorder.start(try Self.options(refusing.url("/echo")))
        let events = try await recorder.wait { $0.stopped != nil }
        guard case .connectionRefused? = events.connectErrors.first else {
            Issue.record("got \(events.connectErrors)")
            return
        }
    }

    @Test func userCloseNeverReconnects() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        recorder.start(try Self.options(lab.url("/echo")) { $0.reconnect.isEnabled = true }) { event, session in
            if case .opened = event.kind { session.close(code: .normalClosure, reason: "done") }
        }
        // Stopped is final, and the decision not to reconnect is taken when the connection
        // ends, before stopping: once stopped and the lab has seen TCP close, nothing follows.
        let events = try await recorder.wait { $0.stopped != nil }
        let records = await lab.recordsOnceClosed()
        #expect(events.stopped == .userClosed)
        let all = recorder.all
        #expect(all.count == events.count, "nothing after stopped: \(all.suffix(all.count - events.count).map(\.kind))")
        #expect(all.opens.count == 1)
        #expect(!all.contains { if case .reconnectScheduled = $0.kind { return true } else { return false } })
        #expect(all.count { if case .connecting = $0.kind { return true } else { return false } } == 1)
        #expect(records.count == 1)
        #expect(records.first?.clientClosedTCPFirst == false, "§7.1.1: the server closed TCP first")
    }
}
