import NIOCore

/// The phase of one attempt. Read and written on the session's event loop only, which is
/// also its channels' loop (the connector bootstraps on it).
final class AttemptProgress: @unchecked Sendable {
    var phase: HandshakePhase

    init(phase: HandshakePhase) {
        self.phase = phase
    }
}

/// First in the pipeline: the channel became active, so TCP is up and the attempt waits
/// for what comes next. It then leaves the pipeline, so reads do not pass through it.
final class AttemptPhaseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let progress: AttemptProgress
    private let next: HandshakePhase

    init(progress: AttemptProgress, next: HandshakePhase) {
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
