import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import WSMonCore

/// Opens the TCP connection (directly or through an HTTP CONNECT proxy), adds TLS for
/// wss:// and then the WebSocket handler.
///
/// A host name may resolve to several addresses, and NIO's happy-eyeballs connector then
/// tries more than one channel: each gets its own handler from `makeHandler`, and the
/// winner's is returned with its channel. (Sharing one handler between candidate channels
/// left it bound to a losing channel under load.) An IP literal is connected to directly.
enum Connector {
    static func connect(
        options: SessionOptions,
        makeHandler: @escaping @Sendable (_ waitsForTunnel: Bool) -> WebSocketConnectionHandler,
        onResolved: @escaping @Sendable (NIODeadline) -> Void,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<(any Channel, WebSocketConnectionHandler)> {
        let url = options.url
        let proxy = Self.proxy(for: options)
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = url.isSecure ? try TLSContextCache.shared.context(for: options.tls) : nil
        } catch {
            return eventLoop.makeFailedFuture(ConnectError.tlsFailure(detail: "\(error)"))
        }
        let host = url.host
        let makeTLSHandler: @Sendable () throws -> NIOSSLClientHandler? = {
            guard let tlsContext else { return nil }
            // SNI carries names only; an IP literal host gets none.
            let isIPAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
            return try NIOSSLClientHandler(context: tlsContext, serverHostname: isIPAddress ? nil : host)
        }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            // Reads grow up to 1 MiB for bulk transfers and stay small for idle sessions.
            .channelOption(
                ChannelOptions.recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20)
            )
            .connectTimeout(options.openTimeout.timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    let handler = makeHandler(proxy != nil)
                    if let proxy {
                        // The WebSocket handler waits behind the tunnel; TLS goes in between
                        // once the proxy has said yes.
                        let tunnel = ProxyConnectHandler(
                            targetHost: url.host,
                            targetPort: url.port,
                            authorization: proxy.authorization,
                            onEstablished: { context in
                                if let tls = try makeTLSHandler() {
                                    try context.pipeline.syncOperations.addHandler(tls, position: .before(handler))
                                }
                                handler.tunnelEstablished()
                            }
                        )
                        try operations.addHandler(tunnel)
                    } else if let tls = try makeTLSHandler() {
                        try operations.addHandler(tls)
                    }
                    try operations.addHandler(handler)
                }
            }
        let target = Self.connectTarget(options)
        let connected: EventLoopFuture<any Channel>
        if let address = try? SocketAddress(ipAddress: target.host, port: target.port) {
            connected = bootstrap.connect(to: address)
        } else {
            connected =
                bootstrap
                .resolver(TimedResolver(on: eventLoop, onResolved: onResolved))
                .connect(host: target.host, port: target.port)
        }
        return connected.flatMapErrorThrowing { error in
            if proxy != nil, case .connectionRefused = ConnectError(classifying: error, host: target.host) {
                throw ConnectError.proxyFailure(detail: "proxy \(target.host):\(target.port) refused the connection")
            }
            throw ConnectError(classifying: error, host: target.host)
        }.flatMapThrowing { channel in
            (channel, try channel.pipeline.syncOperations.handler(type: WebSocketConnectionHandler.self))
        }
    }
}

extension Connector {
    private static func proxy(for options: SessionOptions) -> ProxyOptions? {
        options.proxy ?? (options.useProxyEnvironment ? ProxyEnvironment.proxy(for: options.url) : nil)
    }

    /// Where the TCP connection goes: the proxy, if there is one, else the server.
    static func connectTarget(_ options: SessionOptions) -> (host: String, port: Int) {
        Self.proxy(for: options).map { ($0.host, $0.port) } ?? (options.url.host, options.url.port)
    }

    /// Whether connecting starts with a DNS lookup (the target is a name, not an address).
    static func resolvesName(_ options: SessionOptions) -> Bool {
        let target = Self.connectTarget(options)
        return (try? SocketAddress(ipAddress: target.host, port: target.port)) == nil
    }
}

/// One TLS context per trust configuration: building a context loads the trust store,
/// too slow to repeat for each of thousands of sessions.
final class TLSContextCache: Sendable {
    static let shared = TLSContextCache()

    private let contexts = Mutex<[TLSOptions: NIOSSLContext]>([:])

    func context(for options: TLSOptions) throws -> NIOSSLContext {
        try self.contexts.withLock { contexts in
            if let context = contexts[options] { return context }
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let caFile = options.caFile {
                configuration.additionalTrustRoots = [.file(caFile)]
            }
            if options.insecure { configuration.certificateVerification = .none }
            let context = try NIOSSLContext(configuration: configuration)
            contexts[options] = context
            return context
        }
    }
}
