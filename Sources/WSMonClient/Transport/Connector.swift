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
        progress: AttemptProgress,
        makeHandler: @escaping @Sendable (_ waitsForTunnel: Bool) -> WebSocketConnectionHandler,
        onResolved: @escaping @Sendable (NIODeadline) -> Void,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<(any Channel, WebSocketConnectionHandler)> {
        let url = options.url
        let proxy = options.proxy ?? (options.useProxyEnvironment ? ProxyEnvironment.proxy(for: url) : nil)
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = url.isSecure ? try TLSContextCache.shared.context(for: options.tls) : nil
        } catch {
            return eventLoop.makeFailedFuture(ConnectError.tlsFailure(.other("\(error)")))
        }
        let host = url.host
        // TLS and the handler that names its failures, in that order.
        let makeTLSHandlers: @Sendable () throws -> [any ChannelHandler] = {
            guard let tlsContext else { return [] }
            // SNI carries names only; an IP literal host gets none.
            let isIPAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
            let tls = try NIOSSLClientHandler(context: tlsContext, serverHostname: isIPAddress ? nil : host)
            return [tls, TLSFailureNamer(naming: tls, host: host, progress: progress)]
        }
        // Through a proxy, the tunnel is part of tcp; TLS and the upgrade come after it.
        let afterTCP: HandshakePhase = proxy != nil ? .tcp : (tlsContext != nil ? .tls : .upgrade)
        // TCP_NODELAY is ClientBootstrap's default. (`socketOption(.tcp_nodelay)` would set
        // SO_DEBUG, which fails for any user without CAP_NET_ADMIN.)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(options.openTimeout.timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Set here, synchronously: as bootstrap options each costs a future chain
                    // on every connect.
                    guard let channelOptions = channel.syncOptions else { throw ChannelError.operationUnsupported }
                    try channelOptions.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                    // Reads grow up to 1 MiB for bulk transfers and stay small for idle sessions.
                    try channelOptions.setOption(
                        ChannelOptions.recvAllocator,
                        value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20)
                    )
                    let operations = channel.pipeline.syncOperations
                    // A channel exists once the host name has an address: TCP is next.
                    progress.phase = .tcp
                    try operations.addHandler(AttemptPhaseHandler(progress: progress, next: afterTCP))
                    let handler = makeHandler(proxy != nil)
                    if let proxy {
                        // The WebSocket handler waits behind the tunnel; TLS goes in between
                        // once the proxy has said yes.
                        let tunnel = ProxyConnectHandler(
                            targetHost: url.host,
                            targetPort: url.port,
                            authorization: proxy.authorization,
                            onEstablished: { context in
                                let tls = try makeTLSHandlers()
                                progress.phase = tls.isEmpty ? .upgrade : .tls
                                for tlsHandler in tls {
                                    try context.pipeline.syncOperations.addHandler(
                                        tlsHandler,
                                        position: .before(handler)
                                    )
                                }
                                handler.tunnelEstablished()
                            }
                        )
                        try operations.addHandler(tunnel)
                    } else {
                        try operations.addHandlers(try makeTLSHandlers())
                    }
                    try operations.addHandler(handler)
                }
            }
        let target = proxy.map { ($0.host, $0.port) } ?? (url.host, url.port)
        let connected: EventLoopFuture<any Channel>
        if let address = try? SocketAddress(ipAddress: target.0, port: target.1) {
            progress.phase = .tcp
            connected = bootstrap.connect(to: address)
        } else {
            progress.phase = .dns
            connected =
                bootstrap
                .resolver(TimedResolver(on: eventLoop, onResolved: onResolved))
                .connect(host: target.0, port: target.1)
        }
        return connected.flatMapErrorThrowing { error in
            if proxy != nil, case .connectionRefused = ConnectError(classifying: error, host: target.0) {
                throw ConnectError.proxyFailure(detail: "proxy \(target.0):\(target.1) refused the connection")
            }
            throw ConnectError(classifying: error, host: target.0)
        }.flatMapThrowing { channel in
            (channel, try channel.pipeline.syncOperations.handler(type: WebSocketConnectionHandler.self))
        }
    }
}

extension Connector {
    /// Whether connecting starts with a DNS lookup: the TCP target (the proxy, if there is
    /// one, else the server) is a name, not an address.
    static func resolvesName(_ options: SessionOptions) -> Bool {
        let proxy = options.proxy ?? (options.useProxyEnvironment ? ProxyEnvironment.proxy(for: options.url) : nil)
        let target = proxy.map { ($0.host, $0.port) } ?? (options.url.host, options.url.port)
        return (try? SocketAddress(ipAddress: target.0, port: target.1)) == nil
    }
}
