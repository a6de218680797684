import FoundationEssentials
import NIOCore
import WSMonCore

/// Drives one `ClientConnection` over a NIO channel. Every callback is "feed the core, then
/// run what it asks for": write its bytes, forward its events, arm or cancel timers, close
/// TCP when it says the connection is finished. Writes made while reading are flushed once
/// per read burst, in `channelReadComplete`.
final class WebSocketConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    // The state touched for every message is exempt from runtime exclusivity checks (they
    // were 12 % of the CPU at a million small messages a second). That is safe because the
    // handler lives on its event loop and no access to these overlaps another: nothing
    // here is passed inout across a call that could re-enter the handler.
    @exclusivity(unchecked) private var core: ClientConnection
    private let timing: ConnectionTiming
    private let output: (HandlerOutput) -> Void
    @exclusivity(unchecked) private var context: ChannelHandlerContext?
    private var started = false
    @exclusivity(unchecked) private var reading = false
    @exclusivity(unchecked) private var needsFlush = false
    @exclusivity(unchecked) private var closingTransport = false
    private var transportError: (any Error)?
    @exclusivity(unchecked) private var readTime: Date?
    /// Reused for every drain of the core's events.
    @exclusivity(unchecked) private var events: [WebSocketEvent] = []

    // Timers. A generation number defuses a timer that fires after it was replaced.
    private var closeTimer: Scheduled<Void>?
    @exclusivity(unchecked) private var closeTimerState: ConnectionState?
    private var keepaliveTimer: RepeatingTimer?
    private var intervalTimer: RepeatingTimer?
    private var pongTimer: Scheduled<Void>?
    private var pingsSentAt: [(id: PingID, at: NIODeadline)] = []

    /// Behind an HTTP CONNECT proxy the request waits for `tunnelEstablished()`.
    private var waitsForTunnel: Bool

    init(
        core: ClientConnection,
        timing: ConnectionTiming,
        waitsForTunnel: Bool = false,
        output: @escaping (HandlerOutput) -> Void
    ) {
        self.core = core
        self.timing = timing
        self.waitsForTunnel = waitsForTunnel
        self.output = output
    }

    var state: ConnectionState { self.core.state }
    /// Kept for a session that adopts this handler after its channel already closed.
    private(set) var transportClosedOutput: HandlerOutput?
    var request: HandshakeRequest { self.core.request }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { self.start(context: context) }
    }

    func tunnelEstablished() {
        self.waitsForTunnel = false
        if let context = self.context { self.start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !self.started, !self.waitsForTunnel else { return }
        self.started = true
        self.run()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = self.unwrapInboundIn(data)
        self.reading = true
        // Everything in one read arrived together: one clock reading stamps it all.
        self.readTime = Date()
        defer { self.readTime = nil }
        // Frame by frame: the session sees each message, and can answer it, before the
        // frames after it are parsed.
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            repeat {
                let consumed = self.core.receive(
                    UnsafeRawBufferPointer(rebasing: bytes[offset...]),
                    stoppingAfterMessage: true
                )
                // A delivered message always consumed its own frame header.
                precondition(consumed > 0 || offset == bytes.count, "the core made no progress")
                offset += consumed
                self.run()
            } while offset < bytes.count && self.context != nil
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.reading = false
        if self.needsFlush {
            self.needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The server shut its side of TCP (allowRemoteHalfClosure makes this visible).
            self.core.receiveEOF()
            self.run()
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
        guard self.transportClosedOutput == nil else { return }
        if self.core.state != .closed {
            self.core.receiveEOF()
        }
        self.closingTransport = true
        self.run()
        self.cancelTimers()
        let closed = HandlerOutput.transportClosed(summary: self.core.closeSummary, transportError: self.transportError)
        self.transportClosedOutput = closed
        self.context = nil
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

    func setReading(_ enabled: Bool) {
        self.context?.channel.setOption(ChannelOptions.autoRead, value: enabled).whenComplete { _ in }
    }

    // MARK: Running the core's outputs

    private func run() {
        guard let context = self.context else { return }
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
        if self.core.shouldCloseTransport && !self.closingTransport {
            self.closingTransport = true
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
            self.pongReceived(answering)
        default:
            break
        }
    }

    // MARK: Close timer

    /// One timer covers closing and half-closed (the close timeout); once both Close frames
    /// are exchanged it is replaced by the shorter grace for the server's FIN (§7.1.1).
    private func updateCloseTimer(context: ChannelHandlerContext) {
        let state = self.core.state
        switch state {
        case .closing, .halfClosed:
            guard self.closeTimerState == nil else { return }
            self.armCloseTimer(after: self.timing.closeTimeout, for: state, context: context)
        case .closedAwaitingTransport:
            guard self.closeTimerState != .closedAwaitingTransport else { return }
            self.armCloseTimer(
                after: min(self.timing.transportCloseGrace, self.timing.closeTimeout),
                for: state,
                context: context
            )
        case .connecting, .open, .closed:
            return
        }
    }

    private func armCloseTimer(after delay: Duration, for state: ConnectionState, context: ChannelHandlerContext) {
        self.closeTimer?.cancel()
        self.closeTimerState = state
        self.stopKeepalive()
        self.closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: delay.timeAmount) {
            self.core.closeTimeoutExpired()
            self.run()
        }
    }

    // MARK: Keepalive and interval messages

    private func startKeepalive(context: ChannelHandlerContext) {
        if let interval = self.timing.pingInterval {
            self.keepaliveTimer = RepeatingTimer(on: context.eventLoop, every: interval) {
                guard self.core.state == .open else { return }
                _ = try? self.sendPing()
            }
        }
        if let (message, every) = self.timing.intervalMessage {
            self.intervalTimer = RepeatingTimer(on: context.eventLoop, every: every) {
                guard self.core.state == .open else { return }
                try? self.send(message)
            }
        }
    }

    private func pingSent(_ id: PingID) {
        guard let context = self.context else { return }
        self.pingsSentAt.append((id, context.eventLoop.now))
        if self.pongTimer == nil {
            self.armPongTimer(context: context)
        }
    }

    private func armPongTimer(context: ChannelHandlerContext) {
        self.pongTimer = context.eventLoop.assumeIsolated().scheduleTask(in: self.timing.pongTimeout.timeAmount) {
            self.pongTimer = nil
            guard !self.pingsSentAt.isEmpty else { return }
            self.core.fail(code: .internalError, reason: "keepalive ping timeout")
            self.run()
        }
    }

    private func pongReceived(_ id: PingID) {
        guard let index = self.pingsSentAt.firstIndex(where: { $0.id == id }) else { return }
        let rtt = (self.context?.eventLoop.now ?? .now()) - self.pingsSentAt[index].at
        // A pong answers its ping and every older one (§5.5.3).
        self.pingsSentAt.removeFirst(index + 1)
        self.pongTimer?.cancel()
        self.pongTimer = nil
        if !self.pingsSentAt.isEmpty, let context = self.context { self.armPongTimer(context: context) }
        self.output(.roundTrip(id, rtt: rtt.duration))
    }

    private func stopKeepalive() {
        self.keepaliveTimer?.cancel()
        self.keepaliveTimer = nil
        self.intervalTimer?.cancel()
        self.intervalTimer = nil
        self.pongTimer?.cancel()
        self.pongTimer = nil
    }

    private func cancelTimers() {
        self.stopKeepalive()
        self.closeTimer?.cancel()
        self.closeTimer = nil
    }
}
