import Foundation
import NIOCore
import NIOPosix
import Testing
import WSMonClient
import WSMonCore

@testable import WSMonMonitor

/// The monitor fed with events as sessions emit them, on the session's loop.
@Suite("Monitor")
struct MonitorTests {
    let group = MultiThreadedEventLoopGroup.singleton

    struct Feed {
        let monitor: Monitor
        let sink: @Sendable (SessionEvent) -> Void
        let loop: any EventLoop
        let start = Date().timeIntervalSince1970.rounded(.down) - 20

        func send(_ kind: SessionEvent.Kind, at offset: Double, connection: Int = 1) async throws {
            let event = SessionEvent(
                time: Date(timeIntervalSince1970: self.start + offset),
                session: 7,
                connection: connection,
                kind: kind
            )
            try await self.loop.submit { self.sink(event) }.get()
        }
    }

    func feed(frameLog: Int = 500) throws -> Feed {
        let monitor = Monitor(frameLogCapacity: frameLog)
        var options = SessionOptions(url: try WebSocketURL(parsing: "ws://example.com/feed"), name: "feed")
        options.closeTimeout = .seconds(10)
        let loop = self.group.next()
        return Feed(monitor: monitor, sink: monitor.register(id: 7, options: options, on: loop), loop: loop)
    }

    static func frame(
        _ direction: FrameRecord.Direction,
        _ opcode: Opcode,
        length: UInt64,
        fin: Bool = true
    ) -> SessionEvent.Kind {
        .connection(
            .frame(
                FrameRecord(
                    direction: direction,
                    opcode: opcode,
                    fin: fin,
                    masked: direction == .outbound,
                    length: length
                )
            )
        )
    }

    @Test func countsMessagesBytesAndRates() async throws {
        let feed = try self.feed()
        try await feed.send(.stateChanged(.open), at: 0)
        for second in 0..<10 {
            try await feed.send(Self.frame(.inbound, .text, length: 100), at: Double(10 + second) + 0.5)
            try await feed.send(Self.frame(.inbound, .binary, length: 50, fin: false), at: Double(10 + second) + 0.6)
            try await feed.send(Self.frame(.inbound, .continuation, length: 50), at: Double(10 + second) + 0.7)
        }
        try await feed.send(Self.frame(.outbound, .text, length: 10), at: 19.9)
        // Read as of a fixed instant: a slow machine must not move the windows.
        let snapshot = await feed.monitor.collect(now: feed.start + 20.5)
        let row = try #require(snapshot.sessions.first)
        #expect(row.messagesIn == 20)
        #expect(row.bytesIn == 2000)
        #expect(row.messagesOut == 1)
        #expect(row.bytesOut == 10)
        #expect(row.rates1s.messagesIn == 2)
        #expect(row.rates10s.bytesIn == 200)
        #expect(snapshot.totals.sessionsByState[.open] == 1)
        #expect(snapshot.totals.history.count == 60)
        #expect(snapshot.totals.history.last?.messages == 3, "two in, one out")
    }

    @Test func theFrameRingIsBoundedAndCountsOverflow() async throws {
        let feed = try self.feed(frameLog: 4)
        for index in 0..<10 {
            try await feed.send(Self.frame(.inbound, .text, length: UInt64(index)), at: Double(index) * 0.01)
        }
        feed.monitor.watch(7)
        let detail = try #require(await feed.monitor.collect().detail)
        #expect(detail.frames.map(\.record.length) == [6, 7, 8, 9])
        #expect(detail.framesOverflowed == 6)
        #expect(detail.summary.messagesIn == 10)
    }

    @Test func secretsInHandshakeHeadersAreRedacted() async throws {
        let feed = try self.feed()
        var options = ConnectionOptions()
        options.extraHeaders = [
            .init(name: "Authorization", value: "Bearer abc.def"), .init(name: "Cookie", value: "session=1"),
            .init(name: "X-Trace", value: "visible"),
        ]
        let core = try ClientConnection(url: try WebSocketURL(parsing: "ws://example.com/feed?x=1"), options: options)
        try await feed.send(.connecting(attempt: 1, request: core.request), at: 0)
        feed.monitor.watch(7)
        let request = try #require(await feed.monitor.collect().detail?.request)
        #expect(request.firstLine == "GET /feed?x=1 HTTP/1.1")
        let values = Dictionary(request.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        #expect(values["Authorization"] == "Bearer [redacted]")
        #expect(values["Cookie"] == "[redacted]")
        #expect(values["X-Trace"] == "visible")
        #expect(!request.headers.contains { $0.value.contains("abc.def") })
    }

    @Test func theCloseTimelineRecordsEachStepAndTheVerdict() async throws {
        let feed = try self.feed()
        let response = HandshakeResponse(
            statusCode: 101,
            reasonPhrase: "Switching Protocols",
            headers: HTTPHeaders(),
            subprotocol: nil
        )
        try await feed.send(.opened(response, isReconnect: false), at: 1)
        try await feed.send(.connection(.closeReceived(CloseFrame(code: CloseCode(1001), reason: "bye"))), at: 2)
        try await feed.send(.stateChanged(.halfClosed), at: 2)
        try await feed.send(.connection(.violation(.secondCloseFrame)), at: 3)
        try await feed.send(.connection(.closeSent(CloseFrame(code: CloseCode(1001), reason: "bye"))), at: 4)
        var summary = CloseSummary(
            initiator: .remote,
            sent: CloseFrame(code: CloseCode(1001), reason: "bye"),
            received: CloseFrame(code: CloseCode(1001), reason: "bye"),
            transportClosedBy: .local
        )
        summary.closeTimeoutFiredIn = .closedAwaitingTransport
        try await feed.send(.closed(summary, transportError: nil), at: 6)
        feed.monitor.watch(7)
        let snapshot = await feed.monitor.collect()
        let timeline = try #require(snapshot.detail?.closeTimelines.last)
        #expect(timeline.openedAt == feed.start + 1)
        #expect(
            timeline.steps.map(\.kind) == [
                .closeReceived(code: 1001, reason: "bye"), .entered(.halfClosed),
                .violation(name: "second_close_frame", detail: PeerViolation.secondCloseFrame.description),
                .closeSent(code: 1001, reason: "bye"), .closeTimeoutFired(in: "closed-awaiting-transport"),
                .transportClosed(byPeer: false),
            ]
        )
        #expect(timeline.summary?.wasClean == true)
        #expect(snapshot.sessions.first?.violations == 1)
        #expect(snapshot.sessions.first?.lastCloseCode == 1001)
        #expect(snapshot.totals.closeCodes == [1001: 1])
    }

    @Test func rejectionsAndReconnectsAreCountedAcrossSessions() async throws {
        let feed = try self.feed()
        let rejection = HandshakeRejection(
            statusCode: 503,
            reasonPhrase: "Service Unavailable",
            headers: HTTPHeaders([("Retry-After", "3")]),
            retryAfter: .seconds(3),
            bodyPreview: [],
            bodyTruncated: false
        )
        let core = try ClientConnection(url: try WebSocketURL(parsing: "ws://example.com/"))
        try await feed.send(.connecting(attempt: 1, request: core.request), at: 0.5)
        try await feed.send(.connectFailed(.handshakeRejected(rejection)), at: 1)
        try await feed.send(.reconnectScheduled(delay: .seconds(3), attempt: 1, retryAfter: .seconds(3)), at: 1)
        try await feed.send(.connecting(attempt: 2, request: core.request), at: 19.5)
        feed.monitor.watch(7)
        let snapshot = await feed.monitor.collect(now: feed.start + 20.5)
        #expect(snapshot.totals.rejectionStatuses == [503: 1])
        #expect(snapshot.totals.reconnectsPerSecond == 0.1)
        let history = try #require(snapshot.detail?.reconnectHistory)
        #expect(history.contains { $0.kind == .scheduled(delay: 3, attempt: 1, retryAfter: 3) })
        #expect(history.contains { if case .failed(_, _, 503) = $0.kind { return true } else { return false } })
        #expect(snapshot.sessions.first?.consecutiveFailures == 1)
    }
}

@Suite("Monitor: the watched session's messages")
struct WatchedMessagesTests {
    @Test func onlyTheWatchedSessionKeepsMessagesLinkedToTheirFrames() async throws {
        let monitor = Monitor(frameLogCapacity: 4)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let url = try WebSocketURL(parsing: "ws://example.com/")
        let watchedSink = monitor.register(id: 1, options: SessionOptions(url: url), on: loop)
        let otherSink = monitor.register(id: 2, options: SessionOptions(url: url), on: loop)
        monitor.watch(1)
        for index in 0..<6 {
            for (id, sink) in [(1, watchedSink), (2, otherSink)] {
                let text = #"{"n":\#(index)}"#
                let frame = FrameRecord(direction: .inbound, opcode: .text, fin: true, masked: false, length: 7)
                for kind: SessionEvent.Kind in [.connection(.frame(frame)), .connection(.text(text))] {
                    let event = SessionEvent(time: Date(), session: id, connection: 1, kind: kind)
                    try await loop.submit { sink(event) }.get()
                }
            }
        }
        try await loop.submit {
            otherSink(SessionEvent(time: Date(), session: 2, connection: 1, kind: .commandRefused(.notOpenYet)))
        }.get()
        let detail = try #require(await monitor.collect().detail)
        #expect(detail.messages.map(\.content) == (0..<6).map { .text(#"{"n":\#($0)}"#) })
        #expect(detail.messages.map(\.frameNumber) == Array(0..<6))
        // The ring kept frames 2–5; message 5 is the last frame's.
        #expect(detail.framesOverflowed + detail.frames.count - 1 == detail.messages.last?.frameNumber)

        monitor.watch(2)
        let other = try #require(await monitor.collect().detail)
        #expect(other.summary.id == 2)
        #expect(other.messages.isEmpty, "messages are kept only from when a session is watched")
        #expect(other.refusedCommands.map(\.reason) == [UsageError.notOpenYet.description])
        monitor.watch(1)
        #expect(try #require(await monitor.collect().detail).messages.isEmpty, "unwatching released the log")
    }
}

@Suite("Monitor: snapshots follow the sessions")
struct IncrementalSnapshotTests {
    @Test func eachSnapshotShowsWhatChangedSinceTheLastAndTextsFollow() async throws {
        let monitor = Monitor()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let url = try WebSocketURL(parsing: "ws://example.com/")
        let start = Date().timeIntervalSince1970.rounded(.down) - 100
        let sinks = (1...3).map { id in
            monitor.register(id: id, options: SessionOptions(url: url, name: "session \(id)"), on: loop)
        }
        func send(_ kind: SessionEvent.Kind, to id: Int, at offset: Double) async throws {
            let event = SessionEvent(
                time: Date(timeIntervalSince1970: start + offset),
                session: id,
                connection: 1,
                kind: kind
            )
            try await loop.submit { sinks[id - 1](event) }.get()
        }
        let frame = MonitorTests.frame(.inbound, .text, length: 10)
        try await send(frame, to: 2, at: 1.5)
        var snapshot = await monitor.collect(now: start + 2.5)
        #expect(snapshot.sessions.map(\.messagesIn) == [0, 1, 0])
        #expect(snapshot.sessions[1].rates1s.messagesIn == 1)
        #expect(snapshot.texts(of: snapshot.sessions[1]).name == "session 2")

        try await send(frame, to: 3, at: 2.6)
        try await send(frame, to: 3, at: 2.7)
        let summary = CloseSummary(
            initiator: .remote,
            received: CloseFrame(code: CloseCode(1001), reason: "bye"),
            transportClosedBy: .peer
        )
        try await send(.closed(summary, transportError: nil), to: 1, at: 2.8)
        snapshot = await monitor.collect(now: start + 2.9)
        #expect(snapshot.sessions.map(\.messagesIn) == [0, 1, 2], "changed rows are copied in")
        #expect(snapshot.sessions[2].rates1s.messagesIn == 0, "rates change on the next second")
        #expect(snapshot.texts(of: snapshot.sessions[0]).lastCloseReason == "bye")
        #expect(snapshot.sessions[0].lastCloseCode == 1001)

        snapshot = await monitor.collect(now: start + 3.1)
        #expect(snapshot.sessions[2].rates1s.messagesIn == 2)
        #expect(snapshot.sessions[1].rates1s.messagesIn == 0)
        #expect(snapshot.sessions[1].rates10s.messagesIn == 0.1)
        snapshot = await monitor.collect(now: start + 20)
        #expect(snapshot.sessions.allSatisfy { $0.rates10s == Rates() }, "quiet sessions fall to zero")
        let connecting = snapshot.sessions[0]
        #expect(connecting.timeInState(at: connecting.stateSince + 5)[.connecting] >= 5)
    }
}
