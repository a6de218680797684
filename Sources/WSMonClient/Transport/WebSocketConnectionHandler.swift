import FoundationEssentials
import NIOCore
import NIOTLS
import WSMonCore

/// Drives one `ClientConnection` over a NIO channel. Every callback is "feed the core, then
/// run what it asks for": write its bytes, forward its events, arm or cancel timers, close
/// TCP when it says the connection is finished. Writes made while reading are flushed once
/// per read burst, in `channelReadComplete`.
final class WebSocketConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where the handler is in its life: one value instead of a flag per phase.
    enum Lifecycle {
        /// In a pipeline whose channel is not active yet, or (behind an HTTP CONNECT proxy)
        /// whose tunnel is not established: the upgrade request waits.
        case waiting(forTunnel: Bool, context: ChannelHandlerContext?)
        /// The request is out and the core is driven. `closingTransport`: we asked NIO to
        /// close TCP, so nothing more is asked of it.
        case running(ChannelHandlerContext, closingTransport: Bool)
        /// The transport is gone; the report is kept for a session that adopts us late.
        case finished(HandlerOutput)
    }

    // The state touched for every message is exempt from runtime exclusivity checks (they
    // were 12 % of the CPU at a million small messages a second). That is safe because the
    // handler lives on its event loop and no access to these overlaps another: nothing
    // here is passed inout across a call that could re-enter the handler.
    @exclusivity(unchecked) var core: ClientConnection
    @exclusivity(unchecked) private var lifecycle: Lifecycle
    let timing: ConnectionTiming
    let output: (HandlerOutput) -> Void
    /// Write batching within one read burst: writes made while reading are flushed once, at
    /// `channelReadComplete`.
    @exclusivity(unchecked) private var reading = false
    @exclusivity(unchecked) var needsFlush = false
    private var transportError: (any Error)?
    // Backpressure (see +Backpressure): parsing stops at a message boundary while paused,
    // and what was already read waits, unparsed, in `unparsed`.
    @exclusivity(unchecked) var readingPaused = false
    var consumerPaused = false
    var outboundFull = false
    /// Parsing gave its turn away with bytes left: the socket is not read until they are.
    var backlogged = false
    /// This connection's turn (see `parse`), and when the one under way ends.
    var turn: TimeAmount
    var turnEnds: NIODeadline?
    var unparsed: ByteBuffer?
    /// The server's FIN came while bytes before it were still unparsed.
    var inputClosedWhilePaused = false
    @exclusivity(unchecked) private var readTime: Date?
    /// Reused for every drain of the core's events.
    @exclusivity(unchecked) private var events: [WebSocketEvent] = []

    // Timers: each a generation-checked slot, so one that fires after it was replaced
    // (even in the same loop tick) does nothing.
    /// The close timeout while closing or half-closed, then the grace for the server's FIN.
    var closeTimer = LoopTimer()
    /// The phase `closeTimer` was armed for.
    var closeTimerPhase: ConnectionState?
    var keepaliveTimer = LoopTimer()
    var pongTimer = LoopTimer()
    var pingSendTimes = PingSendTimes()
    /// When TCP (and a proxy's tunnel) was up and the request went out, and when TLS was:
    /// the ends of the tcp and tls phases (see `HandshakeMarks`).
    private(set) var connectedAt: NIODeadline?
    private(set) var securedAt: NIODeadline?

    init(
        core: ClientConnection,
        timing: ConnectionTiming,
        waitsForTunnel: Bool = false,
        output: @escaping (HandlerOutput) -> Void
    ) {
        self.core = core
        self.timing = timing
        self.turn = timing.turnBudget
        self.lifecycle = .waiting(forTunnel: waitsForTunnel, context: nil)
        self.output = output
    }

    var state: ConnectionState { self.core.state }
    /// A ping we sent still waits for its pong.
    var hasUnansweredPing: Bool { self.core.oldestUnansweredPing != nil }
    var request: HandshakeRequest { self.core.request }

    /// The report of a channel that already closed, for a session that adopts us after it.
    var transportClosedOutput: HandlerOutput? {
        if case .finished(let output) = self.lifecycle { return output }
        return nil
    }

    /// The context while the core is driven (nil before the start and after the end).
    var runningContext: ChannelHandlerContext? {
        if case .running(let context, _) = self.lifecycle { return context }
        return nil
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        guard case .waiting(let forTunnel, _) = self.lifecycle else { return }
        self.lifecycle = .waiting(forTunnel: forTunnel, context: context)
        if context.channel.isActive { self.start(context: context) }
    }

    func tunnelEstablished() {
        guard case .waiting(_, let context) = self.lifecycle else { return }
        self.lifecycle = .waiting(forTunnel: false, context: context)
        if let context { self.start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard case .waiting(forTunnel: false, _) = self.lifecycle else { return }
        self.lifecycle = .running(context, closingTransport: false)
        self.connectedAt = context.eventLoop.now
        self.run()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = self.unwrapInboundIn(data)
        // Bytes read after a pause (NIO may finish a read burst) wait behind the others.
        if self.unparsed != nil {
            self.unparsed!.writeBuffer(&buffer)
            return
        }
        if !self.reading {
            // A read burst (NIO reads a readable socket several times in a row) is one turn.
            self.reading = true
            self.turnEnds = context.eventLoop.now + self.turn
        }
        self.parse(buffer)
    }

    /// Feeds `buffer` to the core frame by frame: the session sees each message, and can
    /// answer it (or pause reading), before the frames after it are parsed. Parsing also
    /// stops when this connection's turn is over (`turnBudget`), so one flooding connection
    /// cannot hold up the others on its event loop (`timing.turnBudget`, and a task due a
    /// moment later for the rest). What is left waits in `unparsed`
    /// (`stopsWhenPaused` false: parse it all anyway).
    func parse(_ buffer: ByteBuffer, stopsWhenPaused: Bool = true) {
        if stopsWhenPaused && self.readingPaused {
            self.unparsed = buffer
            return
        }
        // Everything in one read arrived together: one clock reading stamps it all.
        self.readTime = Date()
        defer { self.readTime = nil }
        guard let context = self.runningContext else { return }
        let turnEnds = self.turnEnds ?? context.eventLoop.now + self.turn
        var turnIsOver = false
        let consumed = buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            var steps = 0
            repeat {
                let consumed = self.core.receive(
                    UnsafeRawBufferPointer(rebasing: bytes[offset...]),
                    stoppingAfterMessage: true
                )
                // A delivered message always consumed its own frame header.
                precondition(consumed > 0 || offset == bytes.count, "the core made no progress")
                offset += consumed
                self.run()
                steps += 1
                // The clock is read every 8 messages: cheap next to the messages themselves.
                if stopsWhenPaused && steps & 7 == 0 && context.eventLoop.now >= turnEnds { turnIsOver = true }
            } while offset < bytes.count && !(stopsWhenPaused && (self.readingPaused || turnIsOver))
                && self.runningContext != nil
            return offset
        }
        if consumed < buffer.readableBytes && self.runningContext != nil {
            self.unparsed = buffer.getSlice(at: buffer.readerIndex + consumed, length: buffer.readableBytes - consumed)
            if turnIsOver { self.yieldTurn() }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.reading = false
        self.turnEnds = nil
        if self.needsFlush {
            self.needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The server shut its side of TCP (allowRemoteHalfClosure makes this visible),
            // after every byte it sent.
            if self.unparsed != nil {
                self.inputClosedWhilePaused = true
            } else {
                self.core.receiveEOF()
                self.run()
            }
        } else if case TLSUserEvent.handshakeCompleted = event {
            self.securedAt = context.eventLoop.now
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.transportError == nil { self.transportError = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.transportEnded()
        context.fireChannelInactive()
    }

    /// A channel closed before `channelActive` reached us (NIO succeeds the connect promise
    /// first) never sends `channelInactive` either; its teardown still removes us.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.transportEnded()
    }

    /// The one place the connection's end is reported, whichever event brings it.
    private func transportEnded() {
        switch self.lifecycle {
        case .finished:
            return
        case .running(let context, _):
            // What was read before the end is delivered, paused or not: nothing is lost.
            self.parseUnparsed(ignoringPause: true)
            if self.core.state != .closed { self.core.receiveEOF() }
            // Drain what the EOF produced; TCP is already gone, so nothing is asked of it.
            self.lifecycle = .running(context, closingTransport: true)
            self.run()
        case .waiting:
            if self.core.state != .closed { self.core.receiveEOF() }
        }
        self.cancelTimers()
        let closed = HandlerOutput.transportClosed(summary: self.core.closeSummary, transportError: self.transportError)
        self.lifecycle = .finished(closed)
        self.output(closed)
    }

    // MARK: Commands from the session

    func send(_ message: OutgoingMessage) throws(UsageError) {
        switch message {
        case .text(let text): try self.core.sendText(text)
        case .binary(let bytes): try self.core.sendBinary(bytes)
        }
        self.run()
    }

    @discardableResult
    func sendPing(_ payload: [UInt8]? = nil) throws(UsageError) -> PingID {
        let id = try self.core.sendPing(payload)
        self.pingSent(id)
        self.run()
        return id
    }

    func close(code: CloseCode, reason: String) throws(UsageError) {
        try self.core.close(code: code, reason: reason)
        self.run()
    }

    func fail(code: CloseCode, reason: String) {
        self.core.fail(code: code, reason: reason)
        self.run()
    }

    /// Drops TCP at once, without a close handshake.
    func abort(reason: String) {
        self.core.abort(reason: reason)
        self.run()
    }

    // MARK: Running the core's outputs

    func run() {
        guard case .running(let context, let closingTransport) = self.lifecycle else { return }
        if self.core.hasBytesToSend {
            let bytes = self.core.takeBytesToSend()
            context.write(self.wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            if self.reading { self.needsFlush = true } else { context.flush() }
        }
        self.core.takeEvents(into: &self.events)
        if !self.events.isEmpty {
            for event in self.events { self.observe(event, context: context) }
            self.output(.events(self.events, at: self.readTime ?? Date()))
        }
        self.updateCloseTimer(context: context)
        if self.core.shouldCloseTransport && !closingTransport {
            self.lifecycle = .running(context, closingTransport: true)
            self.cancelTimers()
            // Flush first so our last frame (a Close reply) goes out before the FIN.
            context.flush()
            context.close(promise: nil)
        }
    }

    private func observe(_ event: WebSocketEvent, context: ChannelHandlerContext) {
        switch event {
        case .opened:
            self.startKeepalive(context: context)
        case .pong(_, let answering?):
            self.pongReceived(answering, context: context)
        default:
            break
        }
    }

    /// The core's verb for "the close timer fired".
    func closeTimeoutExpired() {
        self.core.closeTimeoutExpired()
        self.run()
    }

    /// The core's verb for "a ping went unanswered too long".
    func failForMissingPong() {
        self.core.fail(code: .internalError, reason: CloseSummary.pongTimeoutReason)
        self.run()
    }

    func cancelTimers() {
        self.stopKeepalive()
        self.closeTimer.cancel()
    }
}
