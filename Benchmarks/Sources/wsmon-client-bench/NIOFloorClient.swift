import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import WSMonCore

/// The floor under every client built on NIO's ClientBootstrap: a connect to the address,
/// one handler that writes a fixed upgrade request and takes the first bytes back as the
/// 101, pre-encoded frames with a zero mask, no parsing, no state. No real client can do
/// less per connection and still use a NIO channel, so a target below this row's figure is
/// out of reach for one.
extension ConnectionClients {
    static let nioFloor = ConnectionClient(
        name: "NIO floor (no WebSocket)",
        openAll: { url, count, group in
            let floor = try FloorClient(url: url, eventLoop: group.next())
            let opened = Tally(target: count)
            let closed = Tally(target: count)
            let channels = NIOLockedValueBox([any Channel]())
            let start = ContinuousClock.now
            for _ in 0..<count {
                floor.connect(onOpen: { opened.add() }, onClose: { closed.add() }).whenComplete { result in
                    switch result {
                    case .success(let channel): channels.withLockedValue { $0.append(channel) }
                    case .failure(let error): print("  NIO floor: \(error)")
                    }
                }
            }
            let allOpen = try await opened.reached()
            for channel in channels.withLockedValue({ $0 }) { floor.sendClose(on: channel) }
            _ = try await closed.reached()
            return allOpen - start
        },
        storm: { url, slots, window, group in
            let floor = try FloorClient(url: url, eventLoop: group.next())
            return try await reconnectingSlots(slots, for: window) { opened, ended in
                floor.connect(onOpen: opened, onClose: ended).whenFailure { _ in ended() }
            }
        },
        echo: { url, count, group in
            let floor = try FloorClient(url: url, eventLoop: group.next())
            return try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Duration, any Error>) in
                let inner = CheckedContinuationBox(continuation)
                floor.connect(onOpen: {}, onClose: {}, echoes: count) { inner.resume($0) }.whenFailure {
                    inner.fail($0)
                }
            }
        }
    )

    /// Connects to one address with a fixed request; every callback runs on `eventLoop`.
    struct FloorClient: Sendable {
        let address: SocketAddress
        let request: ByteBuffer
        let eventLoop: any EventLoop

        init(url: String, eventLoop: any EventLoop) throws {
            let target = try WebSocketURL(parsing: url)
            self.address = try SocketAddress(ipAddress: target.host, port: target.port)
            self.request = ByteBuffer(
                string: "GET \(target.resource) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n"
            )
            self.eventLoop = eventLoop
        }

        /// `echoes`: after the 101, that many round trips of a 32-byte text message, then
        /// `onEchoesDone` with their time.
        func connect(
            onOpen: @escaping @Sendable () -> Void,
            onClose: @escaping @Sendable () -> Void,
            echoes: Int = 0,
            onEchoesDone: @escaping @Sendable (Duration) -> Void = { _ in }
        ) -> EventLoopFuture<any Channel> {
            let request = self.request
            return ClientBootstrap(group: self.eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            FloorHandler(
                                request: request,
                                onOpen: onOpen,
                                onClose: onClose,
                                echoes: echoes,
                                onEchoesDone: onEchoesDone
                            )
                        )
                    }
                }
                .connect(to: self.address)
        }

        /// An empty client Close with a zero mask.
        static let closeFrame: ByteBuffer = {
            var frame: [UInt8] = []
            FrameHeader(fin: true, opcode: .close, maskingKey: 0, payloadLength: 0).encode(into: &frame)
            return ByteBuffer(bytes: frame)
        }()

        func sendClose(on channel: any Channel) {
            channel.writeAndFlush(Self.closeFrame, promise: nil)
        }
    }

    final class FloorHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        /// The echo message as a client frame with a zero mask (so the payload goes as it
        /// is), and the length of the server's unmasked echo of it.
        static let echoFrame: ByteBuffer = {
            let payload = Array(ConnectionClients.echoText.utf8)
            var frame: [UInt8] = []
            FrameHeader(fin: true, opcode: .text, maskingKey: 0, payloadLength: UInt64(payload.count))
                .encode(into: &frame)
            return ByteBuffer(bytes: frame + payload)
        }()
        static let echoLength = BenchServer.encodedFrame(Array(ConnectionClients.echoText.utf8), opcode: .text)
            .readableBytes

        let request: ByteBuffer
        let onOpen: @Sendable () -> Void
        let onClose: @Sendable () -> Void
        var remainingEchoes: Int
        let onEchoesDone: @Sendable (Duration) -> Void
        var opened = false
        var echoBytes = 0
        var echoStart = ContinuousClock.now

        init(
            request: ByteBuffer,
            onOpen: @escaping @Sendable () -> Void,
            onClose: @escaping @Sendable () -> Void,
            echoes: Int,
            onEchoesDone: @escaping @Sendable (Duration) -> Void
        ) {
            self.request = request
            self.onOpen = onOpen
            self.onClose = onClose
            self.remainingEchoes = echoes
            self.onEchoesDone = onEchoesDone
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(self.wrapOutboundOut(self.request), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard self.opened else {
                // The bench server answers the upgrade in one write and sends nothing before
                // the first echo.
                self.opened = true
                self.onOpen()
                guard self.remainingEchoes > 0 else { return }
                self.echoStart = .now
                context.writeAndFlush(self.wrapOutboundOut(Self.echoFrame), promise: nil)
                return
            }
            guard self.remainingEchoes > 0 else { return }
            self.echoBytes += self.unwrapInboundIn(data).readableBytes
            guard self.echoBytes >= Self.echoLength else { return }
            self.echoBytes -= Self.echoLength
            self.remainingEchoes -= 1
            if self.remainingEchoes == 0 {
                self.onEchoesDone(.now - self.echoStart)
                context.close(promise: nil)
            } else {
                context.writeAndFlush(self.wrapOutboundOut(Self.echoFrame), promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.onClose()
        }
    }
}
