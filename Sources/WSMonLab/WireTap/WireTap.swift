import NIOCore
import NIOPosix
import Synchronization

/// A WebSocket-aware TCP tap: put it between a client and a server and it forwards every
/// byte unchanged while it records, per connection, the request and status lines, every
/// frame in each direction (opcode, FIN, RSV, mask, length, close code and reason, short
/// texts) and which side stopped sending first. An observer independent of both ends and of
/// wsmon's core, so a test can check from the wire that a client sent exactly one Close
/// frame, masked every frame and let the server close TCP first.
///
/// Tests wait for what it saw (`records(once:)`), never for time.
public final class WireTap: Sendable {
    public let host: String
    public let port: Int
    private let channel: any Channel
    private let log: WireLog
    private let open: OpenChannels

    /// A wait that ended before its condition held; `seen` says what the tap saw instead.
    public struct WaitError: Error, CustomStringConvertible {
        public var reason: String
        public var seen: [WireRecord]

        public var description: String {
            "\(self.reason); the tap saw:\n" + self.seen.map(\.description).joined(separator: "\n")
        }
    }

    private init(host: String, port: Int, channel: any Channel, log: WireLog, open: OpenChannels) {
        self.host = host
        self.port = port
        self.channel = channel
        self.log = log
        self.open = open
    }

    /// Listens on `host:port` (0 picks a free port) and taps every connection it accepts
    /// through to `upstreamHost:upstreamPort`.
    public static func start(
        upstreamHost: String = "127.0.0.1",
        upstreamPort: Int,
        host: String = "127.0.0.1",
        port: Int = 0,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> WireTap {
        let log = WireLog()
        let open = OpenChannels()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { client in
                let connection = log.accept()
                let handlers = NIOLoopBound(
                    WireTapHandler.pair(connection: connection, log: log),
                    eventLoop: client.eventLoop
                )
                open.add(client)
                // The client's channel is registered, and so read, only once this completes.
                return ClientBootstrap(group: client.eventLoop)
                    .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                    .channelInitializer { server in
                        server.eventLoop.makeCompletedFuture {
                            try server.pipeline.syncOperations.addHandler(handlers.value.server)
                        }
                    }
                    .connect(host: upstreamHost, port: upstreamPort)
                    .flatMapErrorThrowing { error in
                        log.append(connection, .upstreamFailed("\(error)"))
                        throw error
                    }
                    .flatMapThrowing { server in
                        open.add(server)
                        try client.pipeline.syncOperations.addHandler(handlers.value.client)
                    }
            }
            .bind(host: host, port: port).get()
        return WireTap(host: host, port: channel.localAddress?.port ?? port, channel: channel, log: log, open: open)
    }

    /// Everything seen so far, oldest first.
    public func records() -> [WireRecord] {
        self.log.records
    }

    /// The records once `condition` holds for them; throws `WaitError` if it still does not
    /// after `timeout`, or if the tap stops first.
    public func records(
        once condition: @escaping @Sendable ([WireRecord]) -> Bool,
        timeout: Duration = .seconds(10)
    ) async throws -> [WireRecord] {
        try await self.log.wait(until: condition, timeout: timeout, on: self.channel.eventLoop)
    }

    /// Stops listening and closes every tapped connection now, without waiting: a test's
    /// `defer`.
    public func stop() {
        self.channel.close(promise: nil)
        for channel in self.open.all { channel.close(promise: nil) }
        self.log.stop()
    }
}

/// The tap's connections, both sides, while they are open.
private final class OpenChannels: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        self.channels.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.channels.withLock { $0.removeValue(forKey: key) }
        }
    }

    var all: [any Channel] { self.channels.withLock { Array($0.values) } }
}
