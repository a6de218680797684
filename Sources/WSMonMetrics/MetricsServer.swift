import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves `GET /metrics` over HTTP/1.1 from an exporter: the Prometheus text format (the
/// library has no OpenMetrics writer, so `Accept` is not consulted). Other paths get 404,
/// other methods 405.
public final class MetricsServer: Sendable {
    public let address: MetricsAddress
    /// The port actually bound (the one asked for, or the one chosen for port 0).
    public let port: Int
    private let channel: any Channel

    private init(address: MetricsAddress, port: Int, channel: any Channel) {
        self.address = address
        self.port = port
        self.channel = channel
    }

    /// Listens on `address`; throws `MetricsServer.ListenFailed` when it cannot (a port in
    /// use, an address that is not this machine's, a name that does not resolve).
    public static func start(
        at address: MetricsAddress,
        exporter: MetricsExporter,
        group: any EventLoopGroup
    ) async throws(ListenFailed) -> MetricsServer {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(exporter: exporter))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: address.host, port: address.port).get()
            return MetricsServer(address: address, port: channel.localAddress?.port ?? address.port, channel: channel)
        } catch {
            throw ListenFailed(address: address, detail: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return "the port is in use"
            case EADDRNOTAVAIL: return "the address is not one of this machine's"
            case EACCES: return "permission denied (ports below 1024 need privileges)"
            default: return "\(io)"
            }
        }
        return "\(error)"
    }

    public func stop() async {
        try? await self.channel.close()
    }

    /// Why `--metrics` could not listen, in one line.
    public struct ListenFailed: Error, CustomStringConvertible {
        public let address: MetricsAddress
        public let detail: String

        public var description: String { "--metrics \(self.address): cannot listen: \(self.detail)" }
    }
}

/// One request at a time per connection: a scrape, a 404 or a 405.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let exporter: MetricsExporter
    private var request: HTTPRequestHead?

    init(exporter: MetricsExporter) {
        self.exporter = exporter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.request = head
        case .body:
            break
        case .end:
            guard let head = self.request else { return }
            self.request = nil
            self.answer(head, context: context)
        }
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == "/metrics" else {
            return self.respond(.notFound, body: Array("not found; metrics are at /metrics\n".utf8), head, context)
        }
        guard head.method == .GET || head.method == .HEAD else {
            return self.respond(.methodNotAllowed, body: Array("only GET\n".utf8), head, context)
        }
        let exporter = self.exporter
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let promise = loop.makePromise(of: [UInt8].self)
        promise.completeWithTask { await exporter.scrape() }
        promise.futureResult.whenSuccess { body in
            let (handler, context) = bound.value
            handler.respond(.ok, body: body, head, context, contentType: Self.contentType)
        }
    }

    private func respond(
        _ status: HTTPResponseStatus,
        body: [UInt8],
        _ request: HTTPRequestHead,
        _ context: ChannelHandlerContext,
        contentType: String = "text/plain; charset=utf-8"
    ) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.count))])
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD {
            context.write(
                self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                promise: nil
            )
        }
        let written = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
