import NIOCore
import NIOWebSocket

/// Plays one scenario on an upgraded connection and records what the client does.
final class LabWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let id: Int
    private let behavior: LabBehavior
    private let lab: ScenarioLab
    private var context: ChannelHandlerContext?
    private var sentClose = false
    private var closedTCP = false
    private var textMessage: [UInt8]?
    private var sequence = 0
    private var timers: [Scheduled<Void>] = []
    private var floodRemaining = 0
    private var floodSent = 0
    /// A flood's pre-encoded burst of frames, and one frame's size in it.
    private var floodBurst: (ByteBuffer, Int)?
    private var rawWriter: RawWriter?
    private var burstScheduled = false

    init(id: Int, behavior: LabBehavior, lab: ScenarioLab) {
        self.id = id
        self.behavior = behavior
        self.lab = lab
    }

    // MARK: Starting the scenario

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        switch self.behavior {
        case .echo(let closeAfter?, let code, let reason):
            self.after(closeAfter) { $0.sendClose(code: code, reason: reason) }
        case .feed(let rate, let size, let count):
            self.scheduleFeed(every: 1 / rate, size: size, remaining: count)
        case .lastMessageThenClose(let code, let reason):
            // One write, so the message and the Close arrive together.
            context.write(self.wrapOutboundOut(self.textFrame("last message")), promise: nil)
            self.sendClose(code: code, reason: reason)
        case .halfClose(let after):
            self.after(after) { $0.sendClose(code: 1000, reason: "half-close") }
        case .doubleClose:
            self.sendClose(code: 1000, reason: "first")
            context.writeAndFlush(self.wrapOutboundOut(self.closeFrame(code: 1000, reason: "second")), promise: nil)
        case .drop(let after, let messages):
            for index in 0..<messages {
                context.write(self.wrapOutboundOut(self.textFrame("message \(index + 1)")), promise: nil)
            }
            context.flush()
            self.after(after) { $0.dropTCP() }
        case .flood(let size, let count):
            self.startFlood(opcode: 0x2, size: size, count: count, context: context)
        case .pingFlood(let size):
            // Never reading: the client's pongs soon stay in its own buffers, which is what
            // a test wants to see bounded.
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            self.startFlood(opcode: 0x9, size: size, count: nil, context: context)
        case .violation(let kind):
            if let frame = self.invalidFrame(kind) { context.writeAndFlush(self.wrapOutboundOut(frame), promise: nil) }
        case .periodicDrop(let every, let jitter):
            self.after(every + Double.random(in: 0...jitter)) { $0.dropTCP() }
        case .echo, .ignoreClose, .reject, .notFound, .silent, .deflate:
            break
        }
    }

    private func after(_ seconds: Double, _ body: @escaping (LabWebSocketHandler) -> Void) {
        guard let context = self.context else { return }
        let task = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
            guard self.context != nil else { return }
            body(self)
        }
        self.timers.append(task)
    }

    private func scheduleFeed(every interval: Double, size: Int, remaining: Int?) {
        if let remaining, remaining <= 0 { return }
        self.after(interval) { handler in
            guard !handler.sentClose, let context = handler.context else { return }
            handler.sequence += 1
            var text = #"{"seq":\#(handler.sequence),"price":\#(100 + handler.sequence % 50).25,"pad":""#
            text += String(repeating: "x", count: max(0, size - text.utf8.count - 2)) + #""}"#
            context.writeAndFlush(handler.wrapOutboundOut(handler.textFrame(text)), promise: nil)
            handler.scheduleFeed(every: interval, size: size, remaining: remaining.map { $0 - 1 })
        }
    }

    /// As fast as a raw socket: a burst of pre-encoded frames (64 KiB of them) is written
    /// whole, below the frame encoder, while TCP takes it, so a flood costs the lab almost
    /// nothing and the client, not the lab, is what a test measures. `count` nil: forever.
    private func startFlood(opcode: UInt8, size: Int, count: Int?, context: ChannelHandlerContext) {
        let raw = RawWriter()
        try? context.pipeline.syncOperations.addHandler(raw, position: .first)
        self.rawWriter = raw
        var frame: [UInt8] = [0x80 | opcode]
        switch size {
        case ..<126: frame.append(UInt8(size))
        case ..<65536: frame += [126, UInt8(size >> 8), UInt8(size & 0xFF)]
        default: frame += [127] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: size >> ($0 * 8)) }
        }
        frame += [UInt8](repeating: 0x2A, count: size)
        var burst = context.channel.allocator.buffer(capacity: max(frame.count, 1 << 16))
        repeat { burst.writeBytes(frame) } while burst.readableBytes + frame.count <= 1 << 16
        self.floodBurst = (burst, frame.count)
        self.floodRemaining = count ?? Int.max
        self.flood()
    }

    private func flood() {
        guard let context = self.context, let raw = self.rawWriter?.context, let (burst, frameSize) = self.floodBurst
        else { return }
        let framesPerBurst = burst.readableBytes / frameSize
        while context.channel.isWritable && !self.sentClose && self.floodRemaining > 0 {
            let frames = min(framesPerBurst, self.floodRemaining)
            raw.write(NIOAny(burst.getSlice(at: burst.readerIndex, length: frames * frameSize)!), promise: nil)
            self.floodRemaining -= frames
            self.floodSent += frames
        }
        raw.flush()
        let sent = self.floodSent
        self.lab.update(self.id) { $0.framesSent = sent }
    }

    /// Writable again: the next burst, soon but not from inside the flush that made us
    /// writable (a client that drains as fast as we write would keep us in that loop, and
    /// the lab's other connections, handshakes included, would wait). A task due a moment
    /// later lets the loop serve their I/O first.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && !self.burstScheduled {
            self.burstScheduled = true
            context.eventLoop.assumeIsolated().scheduleTask(in: .microseconds(50)) {
                self.burstScheduled = false
                self.flood()
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private func invalidFrame(_ kind: String) -> WebSocketFrame? {
        switch kind {
        case "masked":
            return WebSocketFrame(
                fin: true,
                opcode: .text,
                maskKey: WebSocketMaskingKey([1, 2, 3, 4]),
                data: ByteBuffer(string: "masked")
            )
        case "bad-utf8":
            return WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: [0x41, 0xC0, 0xAF]))
        case "rsv":
            return WebSocketFrame(fin: true, rsv1: true, opcode: .text, data: ByteBuffer(string: "rsv1"))
        case "close-1005":
            return self.closeFrame(code: 1005, reason: "")
        case "unknown-opcode":
            return WebSocketFrame(fin: true, opcode: WebSocketOpcode(encodedWebSocketOpcode: 0x3)!, data: ByteBuffer())
        case "fragmented-ping":
            return WebSocketFrame(fin: false, opcode: .ping, data: ByteBuffer(string: "p"))
        default:
            return nil
        }
    }

    // MARK: What the client sends

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = self.unwrapInboundIn(data)
        let payload = frame.unmaskedData
        let bytes = Array(payload.readableBytesView)
        self.lab.update(self.id) {
            $0.framesReceived.append(
                .init(opcode: UInt8(webSocketOpcode: frame.opcode), fin: frame.fin, payload: bytes)
            )
        }
        switch frame.opcode {
        case .text, .binary, .continuation:
            self.collectText(frame, bytes: bytes)
            if !self.sentClose && self.echoes {
                context.writeAndFlush(
                    self.wrapOutboundOut(WebSocketFrame(fin: frame.fin, opcode: frame.opcode, data: payload)),
                    promise: nil
                )
            }
        case .ping:
            if !self.sentClose && self.answersPings {
                context.writeAndFlush(
                    self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: payload)),
                    promise: nil
                )
            }
        case .connectionClose:
            let code = bytes.count >= 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : nil
            self.lab.update(self.id) { $0.closeCodesReceived.append(code) }
            self.clientSentClose(code: code)
        default:
            break
        }
    }

    private var echoes: Bool {
        switch self.behavior {
        case .flood, .pingFlood, .lastMessageThenClose, .silent: return false
        default: return true
        }
    }

    private var answersPings: Bool {
        if case .silent(let answersPings) = self.behavior { return answersPings }
        return true
    }

    private func collectText(_ frame: WebSocketFrame, bytes: [UInt8]) {
        if frame.opcode == .text { self.textMessage = [] }
        guard self.textMessage != nil else { return }
        self.textMessage?.append(contentsOf: bytes)
        if frame.fin, let message = self.textMessage {
            self.lab.update(self.id) { $0.messagesReceived.append(String(decoding: message, as: UTF8.self)) }
            self.textMessage = nil
        }
    }

    private func clientSentClose(code: UInt16?) {
        switch self.behavior {
        case .ignoreClose, .halfClose:
            // These scenarios never finish the handshake: the client's close timeout must.
            return
        default:
            if !self.sentClose { self.sendClose(code: code ?? 1000, reason: "", echoEmpty: code == nil) }
            // Both Close frames exchanged: the server closes TCP first (§7.1.1).
            self.context?.flush()
            self.dropTCP()
        }
    }

    // MARK: Writing

    private func sendClose(code: UInt16, reason: String, echoEmpty: Bool = false) {
        guard !self.sentClose, let context = self.context else { return }
        self.sentClose = true
        let frame =
            echoEmpty
            ? WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer())
            : self.closeFrame(code: code, reason: reason)
        context.writeAndFlush(self.wrapOutboundOut(frame), promise: nil)
    }

    private func closeFrame(code: UInt16, reason: String) -> WebSocketFrame {
        var data = ByteBuffer()
        data.writeInteger(code)
        data.writeString(reason)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }

    private func textFrame(_ text: String) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))
    }

    private func dropTCP() {
        guard let context = self.context, !self.closedTCP else { return }
        self.closedTCP = true
        context.close(promise: nil)
    }

    // MARK: Connection end

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The client closed its side first; finish ours.
            self.lab.clientClosedTCPFirst(self.id)
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.lab.connectionEnded(self.id, closedByLab: self.closedTCP)
        for timer in self.timers { timer.cancel() }
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Sits next to the socket so bytes written through its context skip the frame encoder.
private final class RawWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }
}
