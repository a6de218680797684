import NIOCore
import NIOWebSocket

/// Plays a `/deflate/…` scenario: compresses what it sends with the lab's own zlib when the
/// extension was agreed, inflates and echoes what the client sends.
final class LabDeflateHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let id: Int
    private let scenario: DeflateScenario
    private let lab: ScenarioLab
    private let deflater: LabDeflater?
    private let inflater: LabInflater
    private let rate: Double
    private let size: Int
    private var context: ChannelHandlerContext?
    private var sentClose = false
    private var sequence = 0
    private var timer: Scheduled<Void>?
    /// The client's message under way: opcode, whether compressed, bytes so far.
    private var incoming: (opcode: WebSocketOpcode, compressed: Bool, bytes: [UInt8])?

    init(id: Int, scenario: DeflateScenario, negotiated: Bool, rate: Double, size: Int, lab: ScenarioLab) {
        self.id = id
        self.scenario = scenario
        self.lab = lab
        self.rate = rate
        self.size = size
        self.deflater =
            negotiated || scenario == .rsv1Unnegotiated
            ? LabDeflater(windowBits: scenario.serverWindowBits, resetsPerMessage: scenario.noContextTakeover) : nil
        self.inflater = LabInflater(resetsPerMessage: scenario.noContextTakeover)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        switch self.scenario {
        case .on, .bare, .window8, .noContextTakeover:
            self.scheduleFeed()
        case .rsv1Unnegotiated:
            self.send(text: "compressed though nothing was negotiated")
        case .uncompressedMidStream:
            self.send(text: "first, compressed")
            self.send(text: "second, sent plain in a compressed session", compressed: false)
            self.send(text: "third, compressed")
        case .bomb:
            self.send(text: "before the bomb", compressed: false)
            self.write(
                WebSocketFrame(
                    fin: true,
                    rsv1: true,
                    opcode: .binary,
                    data: ByteBuffer(bytes: DeflateScenario.bombPayload)
                )
            )
        case .corrupt:
            self.send(text: "before the corrupt message")
            self.write(
                WebSocketFrame(fin: true, rsv1: true, opcode: .text, data: ByteBuffer(bytes: [0xFF, 0xEE, 0xDD, 0xCC]))
            )
        }
    }

    private func scheduleFeed() {
        guard let context = self.context else { return }
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(1e9 / self.rate))) {
            guard !self.sentClose, self.context != nil else { return }
            self.sequence += 1
            // Repetitive JSON, as market feeds are: it compresses well.
            var text = #"{"seq":\#(self.sequence),"channel":"trades","symbol":"BTC-USD","levels":["#
            while text.utf8.count < self.size - 40 { text += #"{"price":\#(60000 + self.sequence % 9),"size":0.5},"# }
            text += #"{"price":0,"size":0}]}"#
            self.send(text: text)
            self.scheduleFeed()
        }
    }

    private func send(text: String, compressed: Bool = true) {
        let bytes = Array(text.utf8)
        if compressed, let deflater = self.deflater {
            self.write(
                WebSocketFrame(fin: true, rsv1: true, opcode: .text, data: ByteBuffer(bytes: deflater.compress(bytes)))
            )
        } else {
            self.write(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: bytes)))
        }
    }

    private func write(_ frame: WebSocketFrame) {
        guard !self.sentClose, let context = self.context else { return }
        context.writeAndFlush(self.wrapOutboundOut(frame), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = self.unwrapInboundIn(data)
        let bytes = Array(frame.unmaskedData.readableBytesView)
        self.lab.update(self.id) {
            $0.framesReceived.append(
                .init(opcode: UInt8(webSocketOpcode: frame.opcode), fin: frame.fin, payload: bytes, rsv1: frame.rsv1)
            )
        }
        switch frame.opcode {
        case .text, .binary:
            self.incoming = (frame.opcode, frame.rsv1, bytes)
            if frame.fin { self.messageEnded() }
        case .continuation:
            self.incoming?.bytes += bytes
            if frame.fin { self.messageEnded() }
        case .ping:
            self.write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
        case .connectionClose:
            let code = bytes.count >= 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : nil
            self.lab.update(self.id) { $0.closeCodesReceived.append(code) }
            self.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData))
            self.sentClose = true
            context.close(promise: nil)
        default:
            break
        }
    }

    /// Records the client's message, inflated, and echoes it compressed.
    private func messageEnded() {
        guard let (opcode, compressed, bytes) = self.incoming else { return }
        self.incoming = nil
        guard let message = compressed ? self.inflater.decompress(bytes) : bytes else {
            // Not DEFLATE data from the client: fail as §7.2.2 asks.
            var reason = ByteBuffer()
            reason.writeInteger(UInt16(1007))
            self.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: reason))
            self.sentClose = true
            return
        }
        if opcode == .text {
            self.lab.update(self.id) { $0.messagesReceived.append(String(decoding: message, as: UTF8.self)) }
            self.send(text: String(decoding: message, as: UTF8.self))
        } else if let deflater = self.deflater {
            self.write(
                WebSocketFrame(
                    fin: true,
                    rsv1: true,
                    opcode: .binary,
                    data: ByteBuffer(bytes: deflater.compress(message))
                )
            )
        } else {
            self.write(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: message)))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            self.lab.clientClosedTCPFirst(self.id)
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.lab.connectionEnded(self.id, closedByLab: self.sentClose)
        self.timer?.cancel()
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
