import NIOCore
import NIOPosix
import WSMonCore

/// A minimal WebSocket server for benchmarks: after the upgrade it either streams a file of
/// pre-encoded frames (ending with a Close) as fast as TCP takes it, sends one small
/// message per connection at an interval, holds the connection (and drops it after a while,
/// for reconnect storms) or echoes every message. It does as little work as possible so the client
/// is what is measured: the stream goes out with sendfile(2), so the server never copies it
/// (a 200 MiB write from memory made the server, not the client, the bottleneck).
enum BenchServer {
    enum Mode: Sendable {
        /// `extensions`: the `Sec-WebSocket-Extensions` answer (the deflate workload's).
        case streamFile(path: String, length: Int, extensions: String? = nil)
        case ticker(every: TimeAmount, message: ByteBuffer)
        /// Sends nothing; closes TCP (no Close frame) `dropAfter` after the upgrade, if given.
        case hold(dropAfter: TimeAmount?)
        /// Sends every message back, unmasked, as the server frame of the same opcode.
        case echo
    }

    static func start(group: any EventLoopGroup, mode: Mode) async throws -> (channel: any Channel, port: Int) {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
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
        var drop: Scheduled<Void>?
        /// Echo mode: client frames not yet complete.
        var pending = ByteBuffer()

        init(mode: Mode) {
            self.mode = mode
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = self.unwrapInboundIn(data)
            guard !self.upgraded else {
                if case .echo = self.mode { return self.echo(&buffer, context: context) }
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
            case .hold(let dropAfter):
                context.flush()
                guard let dropAfter else { return }
                let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
                self.drop = context.eventLoop.scheduleTask(in: dropAfter) { loopBoundContext.value.close(promise: nil) }
            case .echo:
                context.flush()
            }
        }

        /// Parses the client's masked frames and writes each payload back; a Close ends TCP.
        func echo(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
            self.pending.writeBuffer(&buffer)
            while let (opcode, payload) = Self.takeClientFrame(from: &self.pending) {
                guard opcode != 0x8 else { return context.close(promise: nil) }
                var frame: [UInt8] = []
                FrameHeader(fin: true, opcode: Opcode(rawValue: opcode), payloadLength: UInt64(payload.count))
                    .encode(into: &frame)
                context.write(NIOAny(ByteBuffer(bytes: frame + payload)), promise: nil)
            }
            self.pending.discardReadBytes()
        }

        /// One whole masked frame (FIN assumed) from the front of `buffer`, unmasked; nil until
        /// it has all arrived.
        static func takeClientFrame(from buffer: inout ByteBuffer) -> (opcode: UInt8, payload: [UInt8])? {
            guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self)
            else { return nil }
            var headerLength = 2
            var length = Int(second & 0x7F)
            if length == 126 {
                guard let extended = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt16.self) else { return nil }
                length = Int(extended)
                headerLength += 2
            } else if length == 127 {
                guard let extended = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt64.self) else { return nil }
                length = Int(extended)
                headerLength += 8
            }
            guard buffer.readableBytes >= headerLength + 4 + length else { return nil }
            buffer.moveReaderIndex(forwardBy: headerLength)
            let mask = buffer.readBytes(length: 4)!
            var payload = buffer.readBytes(length: length)!
            for index in payload.indices { payload[index] ^= mask[index & 3] }
            return (first & 0x0F, payload)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.ticker?.cancel()
            self.drop?.cancel()
        }
    }
}
