import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A WebSocket server that misbehaves on purpose, so that every state a client can be in is
/// produced on demand, on loopback. Built on NIOWebSocket's server side, independent of
/// wsmon's core, so a bug cannot hide by being on both ends.
public final class ScenarioLab: Sendable {
    public let host: String
    public let port: Int
    private let channel: any Channel
    private let state = Mutex(LabState())

    struct LabState {
        var nextID = 1
        var records: [Int: LabConnectionRecord] = [:]
    }

    public static var scenarios: [LabScenario] { LabScenario.all }

    private init(host: String, port: Int, channel: any Channel) {
        self.host = host
        self.port = port
        self.channel = channel
    }

    /// Starts listening; `port` 0 picks a free one.
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ScenarioLab {
        let registry = Registry()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 24,
                    automaticErrorHandling: false,
                    shouldUpgrade: { channel, head in
                        if case .reject = LabBehavior(uri: head.uri) {
                            return channel.eventLoop.makeSucceededFuture(nil)
                        }
                        if case .notFound = LabBehavior(uri: head.uri) {
                            return channel.eventLoop.makeSucceededFuture(nil)
                        }
                        if case .deflate(let scenario, _, _) = LabBehavior(uri: head.uri) {
                            var headers = HTTPHeaders()
                            let offer = head.headers["Sec-WebSocket-Extensions"].joined(separator: ", ")
                            if let answer = scenario.answer(toOffer: offer.isEmpty ? nil : offer) {
                                headers.add(name: "Sec-WebSocket-Extensions", value: answer)
                            }
                            return channel.eventLoop.makeSucceededFuture(headers)
                        }
                        guard let delay = LabBehavior.handshakeDelay(uri: head.uri) else {
                            return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                        }
                        return channel.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) { HTTPHeaders() }
                            .futureResult
                    },
                    upgradePipelineHandler: { channel, head in
                        channel.eventLoop.makeCompletedFuture {
                            guard let lab = registry.lab else { return }
                            let id = lab.open(path: head.uri)
                            let behavior = LabBehavior(uri: head.uri)
                            if case .deflate(let scenario, let rate, let size) = behavior {
                                let offer = head.headers["Sec-WebSocket-Extensions"].joined(separator: ", ")
                                let negotiated = scenario.answer(toOffer: offer.isEmpty ? nil : offer) != nil
                                try channel.pipeline.syncOperations.addHandler(
                                    LabDeflateHandler(
                                        id: id,
                                        scenario: scenario,
                                        negotiated: negotiated,
                                        rate: rate,
                                        size: size,
                                        lab: lab
                                    )
                                )
                                return
                            }
                            try channel.pipeline.syncOperations.addHandler(
                                LabWebSocketHandler(id: id, behavior: behavior, lab: lab)
                            )
                        }
                    }
                )
                return channel.eventLoop.makeCompletedFuture {
                    let httpHandler = LabHTTPHandler()
                    // Once upgraded, frames must not reach the HTTP handler.
                    let removeHTTPHandler = NIOLoopBound(httpHandler, eventLoop: channel.eventLoop)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (
                            upgraders: [upgrader],
                            completionHandler: { context in
                                context.pipeline.syncOperations.removeHandler(removeHTTPHandler.value, promise: nil)
                            }
                        )
                    )
                    try channel.pipeline.syncOperations.addHandler(httpHandler)
                }
            }
            .bind(host: host, port: port).get()
        let lab = ScenarioLab(host: host, port: channel.localAddress?.port ?? port, channel: channel)
        registry.lab = lab
        return lab
    }

    /// "ws://host:port" + `pathAndQuery`.
    public func url(_ pathAndQuery: String) -> String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "ws://\(host):\(self.port)\(pathAndQuery)"
    }

    public func shutdown() async throws {
        try await self.channel.close()
    }

    /// Stops listening now, without waiting: for a test's `defer`.
    public func stop() {
        self.channel.close(promise: nil)
    }

    /// A snapshot of every connection the lab has accepted, oldest first.
    public func records() -> [LabConnectionRecord] {
        self.state.withLock { $0.records.values.sorted { $0.id < $1.id } }
    }

    /// The records once every connection's TCP is closed, or after `limit`. A client can be
    /// done before the lab's event loop has read its last frames (a busy machine, a short
    /// grace for the server's FIN), and those frames are what tests check.
    public func recordsOnceClosed(within limit: Duration = .seconds(5)) async -> [LabConnectionRecord] {
        let deadline = ContinuousClock.now + limit
        while self.records().contains(where: \.isOpen), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return self.records()
    }

    func open(path: String) -> Int {
        self.state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.records[id] = LabConnectionRecord(id: id, path: path)
            return id
        }
    }

    /// The client closed its side of TCP first (the handler then closes ours).
    func clientClosedTCPFirst(_ id: Int) {
        self.update(id) { $0.clientClosedTCPFirst = true }
    }

    /// The connection is gone: when nobody was recorded as closing first, it was whoever
    /// `closedByLab` says.
    func connectionEnded(_ id: Int, closedByLab: Bool) {
        self.update(id) { record in
            if record.clientClosedTCPFirst == nil { record.clientClosedTCPFirst = !closedByLab }
        }
    }

    func update(_ id: Int, _ body: (inout LabConnectionRecord) -> Void) {
        self.state.withLock { state in
            if var record = state.records[id] {
                body(&record)
                state.records[id] = record
            }
        }
    }

    /// Lets the channel initializer reach the lab created after binding.
    private final class Registry: Sendable {
        private let box = Mutex<ScenarioLab?>(nil)
        var lab: ScenarioLab? {
            get { self.box.withLock { $0 } }
            set { self.box.withLock { $0 = newValue } }
        }
    }
}

/// Answers requests that are not upgraded: the rejection scenarios, a plain-text list of
/// scenarios at "/", 404 elsewhere.
final class LabHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = self.unwrapInboundIn(data) else { return }
        var headers = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")])
        let status: HTTPResponseStatus
        var body: String
        switch LabBehavior(uri: request.uri) {
        case .reject(let code, let retryAfter):
            status = HTTPResponseStatus(statusCode: code)
            body = "rejected by wsmon lab\n"
            if let retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
            if code == 401 { headers.add(name: "WWW-Authenticate", value: "Bearer realm=\"wsmon-lab\"") }
        case .echo where request.uri == "/":
            status = .ok
            body = LabScenario.all.map { "\($0.example)  —  \($0.summary)" }.joined(separator: "\n") + "\n"
        default:
            status = .notFound
            body = "no such scenario: \(request.uri)\n"
        }
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        context.write(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil
        )
        context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
