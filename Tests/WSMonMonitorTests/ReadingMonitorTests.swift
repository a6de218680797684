import Foundation
import NIOCore
import NIOPosix
import Testing
import WSMonClient
import WSMonCore

@testable import WSMonMonitor

/// What the monitor keeps so that people can read: whole messages both ways, from the
/// first moment for the session a dashboard selects first, rejected frames, failures by
/// reason and a rejection's body.
@Suite("Monitor: what reading needs")
struct ReadingMonitorTests {
    let loop = MultiThreadedEventLoopGroup.singleton.next()

    func register(_ monitor: Monitor, id: Int = 1) throws -> @Sendable (SessionEvent) -> Void {
        let options = SessionOptions(url: try WebSocketURL(parsing: "ws://127.0.0.1:8765/echo"))
        return monitor.register(id: id, options: options, on: self.loop)
    }

    func send(
        _ kinds: [SessionEvent.Kind],
        to sink: @escaping @Sendable (SessionEvent) -> Void,
        session: Int = 1
    )
        async throws
    {
        let events = kinds.map { SessionEvent(time: Date(), session: session, connection: 1, kind: $0) }
        try await self.loop.submit { for event in events { sink(event) } }.get()
    }

    static func frame(
        _ direction: FrameRecord.Direction,
        _ opcode: Opcode,
        length: Int,
        rsv: UInt8 = 0
    ) -> SessionEvent.Kind {
        .connection(
            .frame(
                FrameRecord(
                    direction: direction,
                    opcode: opcode,
                    fin: true,
                    rsv: rsv,
                    masked: direction == .outbound,
                    length: UInt64(length)
                )
            )
        )
    }

    @Test func theFirstSessionKeepsTheMessagesThatArriveAtOpenAndSentOnesWhole() async throws {
        let monitor = Monitor()
        monitor.watchFirstSession()
        let sink = try self.register(monitor)
        let welcome = String(repeating: "w", count: 684)
        let subscribe = #"{"op":"subscribe","args":["trades","book","ticker"]}"#
        try await self.send(
            [
                Self.frame(.inbound, .text, length: welcome.utf8.count), .connection(.text(welcome)),
                Self.frame(.outbound, .text, length: subscribe.utf8.count), .messageSent(.text(subscribe)),
            ],
            to: sink
        )
        let detail = try #require(await monitor.collect().detail, "the first session is watched from the start")
        #expect(detail.messages.map(\.content) == [.text(welcome), .text(subscribe)])
        #expect(detail.messages.map(\.direction) == [.inbound, .outbound])
        #expect(detail.messages.map(\.frameNumber) == [0, 1], "each linked to the frame that carried it")
    }

    @Test func onlyTheFirstRegisteredIsWatchedAndAChoiceWins() async throws {
        let monitor = Monitor()
        monitor.watchFirstSession()
        _ = try self.register(monitor, id: 1)
        let second = try self.register(monitor, id: 2)
        monitor.watch(2)
        try await self.send([.connection(.text("hi"))], to: second, session: 2)
        let detail = try #require(await monitor.collect().detail)
        #expect(detail.summary.id == 2)
        #expect(detail.messages.count == 1)
    }

    @Test func aFrameFollowedByItsViolationIsMarkedRejected() async throws {
        let monitor = Monitor()
        let sink = try self.register(monitor)
        monitor.watch(1)
        try await self.send(
            [
                Self.frame(.inbound, .text, length: 3), .connection(.text("abc")),
                Self.frame(.inbound, .text, length: 4, rsv: 3), .connection(.violation(.reservedBitsSet(3))),
            ],
            to: sink
        )
        let frames = try #require(await monitor.collect().detail).frames
        #expect(frames.map(\.rejected) == [false, true])
    }

    @Test func failuresAreCountedByReasonAndARejectionKeepsItsBody() async throws {
        let monitor = Monitor()
        let sink = try self.register(monitor)
        monitor.watch(1)
        let rejection = HandshakeRejection(
            statusCode: 401,
            reasonPhrase: "Unauthorized",
            headers: HTTPHeaders([("Content-Type", "text/plain")]),
            retryAfter: nil,
            bodyPreview: Array("missing bearer token: see docs\n".utf8),
            bodyTruncated: false
        )
        try await self.send(
            [
                .connectFailed(.connectionRefused(address: "127.0.0.1:9")),
                .connectFailed(.connectionRefused(address: "127.0.0.1:9")),
                .connectFailed(.dnsFailure(host: "nowhere.invalid", detail: "unknown host")),
                .connectFailed(.handshakeRejected(rejection)),
            ],
            to: sink
        )
        let snapshot = await monitor.collect()
        #expect(snapshot.totals.failures == [.refused: 2, .dns: 1], "rejections count by status instead")
        #expect(snapshot.totals.rejectionStatuses == [401: 1])
        let row = try #require(snapshot.sessions.first)
        #expect(row.lastFailure == .rejected)
        #expect(row.lastFailureStatus == 401)
        let response = try #require(snapshot.detail?.response)
        #expect(response.body == Array("missing bearer token: see docs\n".utf8))
        #expect(
            snapshot.texts(of: row).lastError
                == "handshake rejected: HTTP 401 Unauthorized: missing bearer token: see docs"
        )
    }

    @Test func theMessageLogKeepsBigMessagesWithinItsByteBudget() {
        var log = MessageLog()
        let big = String(repeating: "x", count: 70_000)
        log.append(.text(big), direction: .inbound, time: 0, connection: 1, frameNumber: 0)
        #expect(log.recent.first?.content == .text(big), "70,000 bytes kept whole")
        let huge = [UInt8](repeating: 7, count: MessageLog.binaryLimit + 1)
        for number in 1...300 {
            log.append(.binary(huge), direction: .outbound, time: 0, connection: 1, frameNumber: number)
        }
        let kept = log.recent.reduce(0) { total, entry in
            if case .binary(let bytes) = entry.content { return total + bytes.count }
            return total
        }
        #expect(log.recent.count <= MessageLog.capacity)
        #expect(kept <= MessageLog.byteBudget)
        #expect(log.recent.last?.truncated == true)
    }
}
