import NIOCore

/// One side of a tapped connection: forwards what its channel reads to the partner's
/// channel unchanged, and reports what crossed. Two are paired on one event loop, in the
/// manner of NIO's GlueHandler: a FIN is passed on as a FIN (so the tap never changes who
/// closed first), and a side reads only while its partner can write.
final class WireTapHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let connection: Int
    private let direction: WireDirection
    private let log: WireLog
    private var parser: WireStreamParser
    private var partner: WireTapHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    /// Set once this side's sender is known to have stopped, or the tap closed this side.
    private var inputOver = false
    private var isActive = false

    private init(connection: Int, reads direction: WireDirection, log: WireLog) {
        self.connection = connection
        self.direction = direction
        self.log = log
        self.parser = WireStreamParser(direction: direction)
    }

    /// The client side's handler and the server side's, joined.
    static func pair(connection: Int, log: WireLog) -> (client: WireTapHandler, server: WireTapHandler) {
        let client = WireTapHandler(connection: connection, reads: .clientToServer, log: log)
        let server = WireTapHandler(connection: connection, reads: .serverToClient, log: log)
        client.partner = server
        server.partner = client
        return (client, server)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.isActive = context.channel.isActive
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.partner = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.isActive = true
        self.partner?.readIfHeld()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data)
        for output in self.parser.feed(bytes.readableBytesView) {
            switch output {
            case .httpLine(let line): self.log.append(self.connection, .httpLine(self.direction, line))
            case .frame(let frame): self.log.append(self.connection, .frame(self.direction, frame))
            }
        }
        self.partner?.context?.write(self.wrapOutboundOut(bytes), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.partner?.context?.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed {
            self.senderStopped(.fin)
            // Sent once the writes before it are: NIO holds an output close for them.
            self.partner?.context?.close(mode: .output, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Recorded even after a FIN: a peer that closed with our bytes unread resets.
        self.inputOver = true
        self.log.append(self.connection, .tcpEnded(self.direction, .reset("\(error)")))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // NIO closes a channel without an input-closed event when the FIN comes after its
        // own output was shut: that is a FIN too.
        self.senderStopped(.fin)
        self.isActive = false
        if let partner = self.partner {
            if partner.isActive {
                partner.closeAfterPendingWrites()
            } else {
                self.log.append(self.connection, .finished)
            }
        }
        context.fireChannelInactive()
    }

    private func senderStopped(_ end: WireTCPEnd) {
        guard !self.inputOver else { return }
        self.inputOver = true
        self.log.append(self.connection, .tcpEnded(self.direction, end))
    }

    /// The other side is gone: deliver what was already forwarded here, then close.
    private func closeAfterPendingWrites() {
        guard let context = self.context else { return }
        self.inputOver = true
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(self.wrapOutboundOut(ByteBuffer()), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    // MARK: Reading only while the partner can write

    private var partnerCanTakeWrites: Bool {
        guard let partner = self.partner, partner.isActive, let channel = partner.context?.channel else { return false }
        return channel.isWritable
    }

    func read(context: ChannelHandlerContext) {
        if self.partnerCanTakeWrites {
            context.read()
        } else {
            self.pendingRead = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { self.partner?.readIfHeld() }
        context.fireChannelWritabilityChanged()
    }

    private func readIfHeld() {
        guard self.pendingRead, self.partnerCanTakeWrites else { return }
        self.pendingRead = false
        self.context?.read()
    }
}
