import Logging
import NIOCore
import NIOPosix
import WSClient
import WSMonClient
import WSMonCore
import WebSocketKit

/// Each client connects to `url`, counts `expected` messages and returns the time from the
/// start of the connection to the last message.
struct ClientUnderTest: Sendable {
    let name: String
    let run: @Sendable (_ url: String, _ expected: Int, _ group: any EventLoopGroup) async throws -> Duration
}

/// Loop-confined counting for callback-based clients.
final class Countdown: @unchecked Sendable {
    var remaining: Int
    var continuation: CheckedContinuation<Duration, Never>?
    let start = ContinuousClock.now

    init(_ expected: Int) {
        self.remaining = expected
    }

    /// Called on one event loop only.
    func tick() {
        self.remaining -= 1
        if self.remaining == 0 { self.continuation?.resume(returning: ContinuousClock.now - self.start) }
    }
}

enum Clients {
    static let maxSize = 1 << 21

    static func wsmonOptions(_ url: String) throws -> SessionOptions {
        var options = SessionOptions(url: try WebSocketURL(parsing: url))
        options.reconnect.isEnabled = false
        options.pingInterval = nil
        return options
    }

    /// wsmon's Session with a synchronous sink on the event loop (what the monitor uses);
    /// frame records on, as by default.
    static let wsmonSink = ClientUnderTest(name: "wsmon (Session sink)") { url, expected, group in
        let options = try wsmonOptions(url)
        let countdown = Countdown(expected)
        let holder = SessionHolder()
        return await withCheckedContinuation { continuation in
            countdown.continuation = continuation
            holder.session = Session(id: 1, options: options, eventLoop: group.next()) { event in
                switch event.kind {
                case .connection(.text), .connection(.binary): countdown.tick()
                default: break
                }
            }
            holder.session?.start()
        }
    }

    /// wsmon's async API (`for await event in session.events`).
    static let wsmonAsync = ClientUnderTest(name: "wsmon (async events)") { url, expected, group in
        let session = WebSocketSession(options: try wsmonOptions(url), group: group)
        let start = ContinuousClock.now
        var remaining = expected
        for await event in session.events {
            switch event.kind {
            case .connection(.text), .connection(.binary):
                remaining -= 1
                if remaining == 0 {
                    let elapsed = ContinuousClock.now - start
                    session.close()
                    return elapsed
                }
            default:
                break
            }
        }
        return ContinuousClock.now - start
    }

    static let hummingbird = ClientUnderTest(name: "hummingbird WSClient 1.6.2") { url, expected, group in
        let start = ContinuousClock.now
        let elapsed = DurationBox()
        try await WebSocketClient.connect(
            url: url,
            configuration: .init(maxFrameSize: maxSize),
            eventLoopGroup: group,
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        ) { inbound, _, _ in
            var remaining = expected
            for try await _ in inbound.messages(maxSize: maxSize) {
                remaining -= 1
                if remaining == 0 {
                    elapsed.value = ContinuousClock.now - start
                    break
                }
            }
        }
        return elapsed.value
    }

    static let websocketKit = ClientUnderTest(name: "vapor websocket-kit 2.16.2") { url, expected, group in
        let countdown = Countdown(expected)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Duration, any Error>) in
            let inner = CheckedContinuationBox(continuation)
            countdown.continuation = nil
            let future = WebSocket.connect(to: url, configuration: .init(maxFrameSize: maxSize), on: group) { ws in
                ws.onText { _, _ in
                    countdown.remaining -= 1
                    if countdown.remaining == 0 { inner.resume(ContinuousClock.now - countdown.start) }
                }
                ws.onBinary { _, _ in
                    countdown.remaining -= 1
                    if countdown.remaining == 0 { inner.resume(ContinuousClock.now - countdown.start) }
                }
            }
            future.whenFailure { inner.fail($0) }
        }
    }

    static let all = [wsmonSink, wsmonAsync, hummingbird, websocketKit]
}

final class SessionHolder: @unchecked Sendable {
    var session: Session?
}

final class DurationBox: @unchecked Sendable {
    var value: Duration = .zero
}

final class CheckedContinuationBox: @unchecked Sendable {
    private var continuation: CheckedContinuation<Duration, any Error>?

    init(_ continuation: CheckedContinuation<Duration, any Error>) {
        self.continuation = continuation
    }

    func resume(_ value: Duration) {
        self.continuation?.resume(returning: value)
        self.continuation = nil
    }

    func fail(_ error: any Error) {
        self.continuation?.resume(throwing: error)
        self.continuation = nil
    }
}

extension Clients {
    /// Not a WebSocket client: reads and discards bytes until the whole stream has arrived,
    /// in reads of up to 1 MiB like wsmon's. The ceiling any client can reach on this
    /// machine's loopback.
    static func rawReadCeiling(streamBytes: Int) -> ClientUnderTest {
        ClientUnderTest(name: "raw TCP read (ceiling)") { url, _, group in
            let target = try WebSocketURL(parsing: url)
            let start = ContinuousClock.now
            return try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Duration, any Error>) in
                let box = CheckedContinuationBox(continuation)
                ClientBootstrap(group: group)
                    .channelOption(
                        ChannelOptions.recvAllocator,
                        value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20)
                    )
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                DiscardingHandler(expected: streamBytes) { box.resume(ContinuousClock.now - start) }
                            )
                        }
                    }
                    .connect(host: target.host, port: target.port)
                    .whenComplete { result in
                        switch result {
                        case .success(let channel):
                            let request =
                                "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                            channel.writeAndFlush(ByteBuffer(string: request), promise: nil)
                        case .failure(let error):
                            box.fail(error)
                        }
                    }
            }
        }
    }

    final class DiscardingHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var remaining: Int
        let done: () -> Void

        init(expected: Int, done: @escaping () -> Void) {
            self.remaining = expected
            self.done = done
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.remaining -= self.unwrapInboundIn(data).readableBytes
            if self.remaining <= 0 {
                self.done()
                context.close(promise: nil)
            }
        }
    }
}
