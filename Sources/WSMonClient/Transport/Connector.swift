import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import WSMonCore

/// Opens the TCP connection (directly or through an HTTP CONNECT proxy), adds TLS for
/// wss:// and then the WebSocket handler.
enum Connector {
    static func connect(
        options: SessionOptions,
        handler: NIOLoopBound<WebSocketConnectionHandler>,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<any Channel> {
        let url = options.url
        let proxy = options.proxy ?? (options.useProxyEnvironment ? ProxyEnvironment.proxy(for: url) : nil)
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = url.isSecure ? try TLSContextCache.shared.context(for: options.tls) : nil
        } catch {
            return eventLoop.makeFailedFuture(ConnectError.tlsFailure(detail: "\(error)"))
        }
        let host = url.host
        let addProtocolHandlers: @Sendable (any Channel) throws -> Void = { channel in
            let operations = channel.pipeline.syncOperations
            if let tlsContext {
                // SNI carries names only; an IP literal host gets none.
                let isIPAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
                try operations.addHandler(
                    NIOSSLClientHandler(context: tlsContext, serverHostname: isIPAddress ? nil : host)
                )
            }
            try operations.addHandler(handler.value)
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
                    if let proxy {
                        let tunnel = ProxyConnectHandler(
                            targetHost: url.host,
                            targetPort: url.port,
                            authorization: proxy.authorization,
                            onEstablished: { context in try addProtocolHandlers(context.channel) }
                        )
                        try channel.pipeline.syncOperations.addHandler(tunnel)
                    } else {
                        try addProtocolHandlers(channel)
                    }
                }
            }
        let target = proxy.map { ($0.host, $0.port) } ?? (url.host, url.port)
        return bootstrap.connect(host: target.0, port: target.1).flatMapErrorThrowing { error in
            if proxy != nil, case .connectionRefused = ConnectError(classifying: error, host: target.0) {
                throw ConnectError.proxyFailure(detail: "proxy \(target.0):\(target.1) refused the connection")
            }
            throw ConnectError(classifying: error, host: target.0)
        }
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
