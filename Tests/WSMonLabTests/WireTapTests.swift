import NIOCore
import NIOPosix
import Testing
import WSMonLab
import WSMonTestSupport

/// The tap between a hand-written client and the lab, over loopback.
@Suite("Wire tap over loopback")
struct WireTapTests {
    static let handshake = Array(
        ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8
    )
    /// A masked Close 1000 (RFC 6455 §5.7's key).
    static let close: [UInt8] = [0x88, 0x82, 0x37, 0xFA, 0x21, 0x3D, 0x03 ^ 0x37, 0xE8 ^ 0xFA]

    @Test func itForwardsBothWaysAndRecordsTheHandshakeFramesAndWhoClosedFirst() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let tap = try await WireTap.start(upstreamPort: lab.port)
        defer { tap.stop() }

        let received = try await RawClient.exchange(Self.handshake + Self.close, port: tap.port)
        #expect(String(decoding: received.prefix(12), as: UTF8.self) == "HTTP/1.1 101")
        #expect(Array(received.suffix(4)) == [0x88, 0x02, 0x03, 0xE8], "the lab's reply came through unchanged")

        let records = try await tap.records(once: { $0.isFinished() })
        #expect(records.first?.event == .accepted)
        #expect(records.contains { $0.event == .httpLine(.clientToServer, "GET /echo HTTP/1.1") })
        #expect(records.contains { $0.event == .httpLine(.serverToClient, "HTTP/1.1 101 Switching Protocols") })
        #expect(
            records.frames(.clientToServer) == [
                WireFrame(opcode: 8, fin: true, isMasked: true, length: 2, closeCode: 1000, closeReason: "")
            ]
        )
        #expect(
            records.frames(.serverToClient) == [
                WireFrame(opcode: 8, fin: true, isMasked: false, length: 2, closeCode: 1000, closeReason: "")
            ]
        )
        #expect(records.firstToEnd() == .serverToClient, "the lab closes TCP first (§7.1.1)")
        #expect(records.hasEnded(.clientToServer))
        #expect(await lab.recordsOnceClosed().first?.clientClosedTCPFirst == false, "the FIN passed through as a FIN")
    }

    @Test func anUnreachableServerIsRecordedAndTheClientIsClosed() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let tap = try await WireTap.start(upstreamPort: refusing.port)
        defer { tap.stop() }
        let received = try await RawClient.exchange(Self.handshake, port: tap.port)
        #expect(received.isEmpty)
        let records = try await tap.records(once: { $0.count >= 2 })
        guard case .upstreamFailed = records[1].event else {
            Issue.record("expected the upstream failure, got \(records)")
            return
        }
    }

    @Test func aWaitEndsAtItsTimeoutOrWhenTheTapStops() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let tap = try await WireTap.start(upstreamPort: refusing.port)
        defer { tap.stop() }
        await #expect(throws: WireTap.WaitError.self) {
            try await tap.records(once: { _ in false }, timeout: .milliseconds(50))
        }
        let waiting = Task { try await tap.records(once: { _ in false }, timeout: .seconds(60)) }
        tap.stop()
        await #expect(throws: WireTap.WaitError.self) { try await waiting.value }
        await #expect(throws: WireTap.WaitError.self) { try await tap.records(once: { _ in false }) }
    }
}

/// A client with no WebSocket code at all: writes bytes, then collects what arrives until
/// the other end closes.
final class RawClient: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var bytes: [UInt8] = []
    private let done: EventLoopPromise<[UInt8]>

    private init(done: EventLoopPromise<[UInt8]>) {
        self.done = done
    }

    static func exchange(_ bytes: [UInt8], port: Int) async throws -> [UInt8] {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let done = loop.makePromise(of: [UInt8].self)
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawClient(done: done))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        return try await done.futureResult.get()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.bytes += self.unwrapInboundIn(data).readableBytesView
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.done.succeed(self.bytes)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
