import NIOCore
import NIOEmbedded
import Testing
import WSMonCore
import WSMonTestSupport

@testable import WSMonClient

/// The handler's timers, driven with virtual time (`EmbeddedEventLoop.advanceTime`).
@Suite("Connection handler timers")
struct ConnectionHandlerTests {
    final class Harness {
        let loop = EmbeddedEventLoop()
        let channel: EmbeddedChannel
        let handler: WebSocketConnectionHandler

        init(turnBudget: TimeAmount = .microseconds(500), _ configure: (inout SessionOptions) -> Void = { _ in }) throws
        {
            var options = SessionOptions(url: try WebSocketURL(parsing: "ws://example.com/"))
            options.pingInterval = nil
            configure(&options)
            let core = try ClientConnection(url: options.url, options: options.connection, random: SeededRandom())
            self.channel = EmbeddedChannel(loop: self.loop)
            let recorder = Recorder()
            var timing = ConnectionTiming(options)
            timing.turnBudget = turnBudget
            self.handler = WebSocketConnectionHandler(core: core, timing: timing) {
                recorder.outputs.append($0)
                recorder.onOutput?($0)
            }
            self.recorder = recorder
            try self.channel.pipeline.syncOperations.addHandler(self.handler)
            try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
            _ = try self.written()
            let accept = HandshakeRequest.accept(forKey: self.handler.request.key)
            try self.serverSends(
                Array(
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n"
                        .utf8
                )
            )
        }

        let recorder: Recorder

        final class Recorder {
            var outputs: [HandlerOutput] = []
            /// Runs after each output is recorded, on the loop (to react as a session would).
            var onOutput: ((HandlerOutput) -> Void)?
        }

        func serverSends(_ bytes: [UInt8]) throws {
            try self.channel.writeInbound(ByteBuffer(bytes: bytes))
            self.channel.pipeline.fireChannelReadComplete()
        }

        func serverSends(_ frames: ServerFrame...) throws {
            try self.serverSends(frames.bytes)
        }

        /// Everything the client wrote since the last call.
        func written() throws -> [UInt8] {
            var bytes: [UInt8] = []
            while var buffer = try self.channel.readOutbound(as: ByteBuffer.self) {
                bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
            }
            return bytes
        }

        func sentFrames() throws -> [SentFrame] { SentFrame.parse(try self.written()) }

        var summary: CloseSummary? {
            for case .transportClosed(let summary?, _) in self.recorder.outputs { return summary }
            return nil
        }

        var isClosed: Bool { !self.channel.isActive }

        func advance(_ duration: Duration) {
            self.loop.advanceTime(by: duration.timeAmount)
        }
    }

    @Test func keepalivePingIsSentAndAMissingPongFailsWith1011() throws {
        let harness = try Harness {
            $0.pingInterval = .seconds(20)
            $0.pongTimeout = .seconds(5)
        }
        harness.advance(.seconds(19))
        #expect(try harness.sentFrames().isEmpty)
        harness.advance(.seconds(1))
        let ping = try harness.sentFrames()
        #expect(ping.map(\.opcode) == [.ping])
        harness.advance(.seconds(5))
        let close = try harness.sentFrames()
        #expect(close.map(\.closeCode) == [1011])
        #expect(
            close.first.map { String(decoding: $0.payload.dropFirst(2), as: UTF8.self) } == "keepalive ping timeout"
        )
        #expect(harness.handler.state == .closing)
    }

    @Test func pongMeasuresTheRoundTripAndDisarmsTheTimeout() throws {
        let harness = try Harness {
            $0.pingInterval = .seconds(10)
            $0.pongTimeout = .seconds(5)
        }
        harness.advance(.seconds(10))
        let ping = try #require(try harness.sentFrames().first)
        harness.advance(.milliseconds(30))
        try harness.serverSends(.pong(ping.payload))
        var rtts: [Duration] = []
        for case .roundTrip(_, let rtt) in harness.recorder.outputs { rtts.append(rtt) }
        #expect(rtts == [.milliseconds(30)])
        harness.advance(.seconds(10))
        #expect(try harness.sentFrames().map(\.opcode) == [.ping], "the next keepalive, no 1011")
        #expect(harness.handler.state == .open)
    }

    @Test func closeTimeoutTearsDownWhenTheServerNeverAnswersOurClose() throws {
        let harness = try Harness { $0.closeTimeout = .seconds(10) }
        try harness.handler.close(code: .normalClosure, reason: "")
        #expect(try harness.sentFrames().map(\.opcode) == [.close])
        harness.advance(.seconds(9))
        #expect(!harness.isClosed)
        harness.advance(.seconds(1))
        #expect(harness.isClosed)
        #expect(harness.summary?.closeTimeoutFiredIn == .closing)
        #expect(harness.summary?.transportClosedBy == .local)
    }

    @Test func afterBothClosesTheServerGetsAGraceToCloseTCPFirst() throws {
        let harness = try Harness {
            $0.closeTimeout = .seconds(10)
            $0.transportCloseGrace = .seconds(2)
        }
        try harness.serverSends(.close(1000, "bye"))
        #expect(try harness.sentFrames().map(\.closeCode) == [1000])
        #expect(harness.handler.state == .closedAwaitingTransport)
        harness.advance(.milliseconds(1999))
        #expect(!harness.isClosed, "§7.1.1: the server should close first")
        harness.advance(.milliseconds(1))
        #expect(harness.isClosed)
        let summary = try #require(harness.summary)
        #expect(summary.wasClean)
        #expect(summary.closeTimeoutFiredIn == .closedAwaitingTransport)
    }

    @Test func serverFINWithoutCloseEndsWith1006() throws {
        let harness = try Harness()
        try harness.serverSends(.text("last"))
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(harness.isClosed)
        let summary = try #require(harness.summary)
        #expect(summary.code == .abnormalClosure)
        #expect(summary.initiator == .transport)
        #expect(summary.transportClosedBy == .peer)
        #expect(try harness.sentFrames().isEmpty)
    }

    /// A pong that lands in the same loop tick as the pong timeout it cancels: the stale
    /// timer still runs (NIO takes every task due in a tick first), and must do nothing.
    @Test func aPongTimerReplacedInTheSameTickDoesNotFailAHealthyConnection() throws {
        let harness = try Harness { $0.pongTimeout = .seconds(5) }
        let start = harness.loop.now
        // Scheduled before the ping, so it runs first among the tasks due at +5 s.
        harness.loop.scheduleTask(deadline: start + .seconds(5)) { try? harness.serverSends(.pong([1])) }
        try harness.handler.sendPing([1])
        harness.advance(.seconds(2))
        try harness.handler.sendPing([2])
        _ = try harness.written()
        harness.advance(.seconds(3))
        #expect(try harness.sentFrames().isEmpty, "no 1011: ping 1 was answered in time, ping 2 has 2 s left")
        #expect(harness.handler.state == .open)
        harness.advance(.seconds(2))
        #expect(try harness.sentFrames().map(\.closeCode) == [1011], "ping 2 went unanswered for 5 s")
    }

    /// The server's Close lands in the same tick as our close timeout: the timeout's stale
    /// firing must not end the connection early; the FIN grace that replaced it runs.
    @Test func aCloseTimerReplacedInTheSameTickLeavesTheGraceRunning() throws {
        let harness = try Harness {
            $0.closeTimeout = .seconds(10)
            $0.transportCloseGrace = .seconds(2)
        }
        let start = harness.loop.now
        harness.loop.scheduleTask(deadline: start + .seconds(10)) { try? harness.serverSends(.close(1000, "late")) }
        try harness.handler.close(code: .normalClosure, reason: "")
        harness.advance(.seconds(10))
        #expect(harness.handler.state == .closedAwaitingTransport)
        #expect(!harness.isClosed, "§7.1.1: the server still has its grace to close TCP first")
        harness.advance(.milliseconds(1999))
        #expect(!harness.isClosed)
        harness.advance(.milliseconds(1))
        #expect(harness.isClosed)
        let summary = try #require(harness.summary)
        #expect(summary.wasClean)
        #expect(summary.closeTimeoutFiredIn == .closedAwaitingTransport)
    }

    @Test func aPongTimesTheOldestUnansweredPingNotTheLatestRearm() throws {
        let harness = try Harness { $0.pongTimeout = .seconds(5) }
        try harness.handler.sendPing([1])
        harness.advance(.seconds(3))
        try harness.handler.sendPing([2])
        try harness.handler.sendPing([3])
        harness.advance(.seconds(1))
        // Answers ping 2 (and so ping 1); ping 3, sent at +3 s, times out at +8 s.
        try harness.serverSends(.pong([2]))
        _ = try harness.written()
        harness.advance(.milliseconds(3999))
        #expect(try harness.sentFrames().isEmpty)
        harness.advance(.milliseconds(1))
        #expect(try harness.sentFrames().map(\.closeCode) == [1011])
    }

    @Test func repliesWrittenDuringAReadAreFlushedOnceAtReadComplete() throws {
        let harness = try Harness()
        harness.channel.pipeline.fireChannelRead(ByteBuffer(bytes: [ServerFrame.ping([1]), .ping([2])].bytes))
        #expect(try harness.written().isEmpty, "not flushed mid-read")
        harness.channel.pipeline.fireChannelReadComplete()
        #expect(try harness.sentFrames().map(\.payload) == [[1], [2]])
    }
}
