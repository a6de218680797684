import NIOCore

/// Where a connection attempt is, so that an open timeout can say what it was waiting for.
public enum ConnectPhase: String, Hashable, Sendable, CustomStringConvertible {
    case dns, tcp, proxy, tls, upgrade

    public var description: String {
        switch self {
        case .dns: return "resolving the host name"
        case .tcp: return "connecting TCP"
        case .proxy: return "waiting for the proxy's tunnel"
        case .tls: return "in the TLS handshake"
        case .upgrade: return "waiting for the server's upgrade response"
        }
    }
}

/// The phase of one attempt. Read and written on the session's event loop only, which is
/// also its channels' loop (the connector bootstraps on it).
final class AttemptProgress: @unchecked Sendable {
    var phase: ConnectPhase

    init(phase: ConnectPhase) {
        self.phase = phase
    }
}

/// First in the pipeline: the channel became active, so TCP is up and the attempt waits
/// for what comes next. It then leaves the pipeline, so reads do not pass through it.
final class AttemptPhaseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let progress: AttemptProgress
    private let next: ConnectPhase

    init(progress: AttemptProgress, next: ConnectPhase) {
        self.progress = progress
        self.next = next
    }

    func channelActive(context: ChannelHandlerContext) {
        self.progress.phase = self.next
        context.fireChannelActive()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }
}
