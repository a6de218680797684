import NIOCore
import NIOPosix
import WSMonCore

/// A minimal WebSocket server for benchmarks: after the upgrade it either streams a file of
/// pre-encoded frames (ending with a Close) as fast as TCP takes it, or sends one small
/// message per connection at an interval. It does as little work as possible so the client
/// is what is measured: the stream goes out with sendfile(2), so the server never copies it
/// (a 200 MiB write from memory made the server, not the client, the bottleneck).
enum BenchServer {
    enum Mode: Sendable {
        /// `extensions`: the `Sec-WebSocket-Extensions` answer (the deflate workload's).
        case streamFile(path: String, length: Int, extensions: String? = nil)
        case ticker(every: TimeAmount, message: ByteBuffer)
    }

    static func start(group: any EventLoopGroup, mode: Mode) async throws -> (channel: any Channel, port: Int) {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(mode: mode))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return (channel, channel.localAddress?.port ?? 0)
    }

    /// Frames a server would send: `count` copies of one payload, then Close 1000.
    static func encodedStream(count: Int, payload: [UInt8], opcode: Opcode) -> ByteBuffer {
        var frame: [UInt8] = []
        FrameHeader(fin: true, opcode: opcode, payloadLength: UInt64(payload.count)).encode(into: &frame)
        frame += payload
        var buffer = ByteBufferAllocator().buffer(capacity: frame.count * count + 4)
        for _ in 0..<count { buffer.writeBytes(frame) }
        buffer.writeBytes([0x88, 0x02, 0x03, 0xE8])
        return buffer
    }

    static func encodedFrame(_ payload: [UInt8], opcode: Opcode) -> ByteBuffer {
        var frame: [UInt8] = []
        FrameHeader(fin: true, opcode: opcode, payloadLength: UInt64(payload.count)).encode(into: &frame)
        return ByteBuffer(bytes: frame + payload)
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let mode: Mode
        var head: [UInt8] = []
        var upgraded = false
        var ticker: RepeatedTask?

        init(mode: Mode) {
            self.mode = mode
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = self.unwrapInboundIn(data)
            guard !self.upgraded else {
                // The only thing a client sends here is its Close: close TCP after it (§7.1.1).
                if buffer.readableBytesView.first == 0x88 { context.close(promise: nil) }
                return
            }
            self.head += buffer.readBytes(length: buffer.readableBytes) ?? []
            let text = String(decoding: self.head, as: UTF8.self)
            guard text.contains("\r\n\r\n") else { return }
            let key =
                text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }
                .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? ""
            var extensions = ""
            if case .streamFile(_, _, let answer?) = self.mode {
                extensions = "Sec-WebSocket-Extensions: \(answer)\r\n"
            }
            let response =
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: \(HandshakeRequest.accept(forKey: key))\r\n\(extensions)\r\n"
            self.upgraded = true
            context.write(self.wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
            switch self.mode {
            case .streamFile(let path, let length, _):
                do {
                    let file = try NIOFileHandle(_deprecatedPath: path)
                    let region = FileRegion(fileHandle: file, readerIndex: 0, endIndex: length)
                    context.writeAndFlush(NIOAny(IOData.fileRegion(region))).whenComplete { _ in try? file.close() }
                } catch {
                    context.close(promise: nil)
                }
            case .ticker(let every, let message):
                context.flush()
                let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
                self.ticker = context.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in
                    let context = loopBoundContext.value
                    context.writeAndFlush(NIOAny(message), promise: nil)
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.ticker?.cancel()
        }
    }
}
