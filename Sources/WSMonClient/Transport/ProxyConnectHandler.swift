import NIOCore

/// Opens an HTTP CONNECT tunnel (RFC 9110 §9.3.6) and then hands the channel over to the
/// TLS and WebSocket handlers. A non-2xx answer fails the attempt as a proxy failure.
final class ProxyConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let target: String
    private let authorization: String?
    private let onEstablished: (ChannelHandlerContext) throws -> Void
    private var response: [UInt8] = []
    private var sent = false

    init(
        targetHost: String,
        targetPort: Int,
        authorization: String?,
        onEstablished: @escaping (ChannelHandlerContext) throws -> Void
    ) {
        self.target = targetHost.contains(":") ? "[\(targetHost)]:\(targetPort)" : "\(targetHost):\(targetPort)"
        self.authorization = authorization
        self.onEstablished = onEstablished
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.sendConnect(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.sendConnect(context: context)
        context.fireChannelActive()
    }

    private func sendConnect(context: ChannelHandlerContext) {
        guard !self.sent else { return }
        self.sent = true
        var request = "CONNECT \(self.target) HTTP/1.1\r\nHost: \(self.target)\r\n"
        if let authorization = self.authorization { request += "Proxy-Authorization: \(authorization)\r\n" }
        request += "\r\n"
        context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = self.unwrapInboundIn(data)
        self.response += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let end = self.headEnd() else {
            if self.response.count > 16 * 1024 { self.fail(context: context, "proxy response head too large") }
            return
        }
        let head = String(decoding: self.response[..<end], as: UTF8.self)
        let leftover = Array(self.response[(end + 4)...])
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (200..<300).contains(status)
        else {
            self.fail(context: context, "CONNECT \(self.target) answered \(statusLine.debugDescription)")
            return
        }
        do {
            try self.onEstablished(context)
        } catch {
            self.fail(context: context, "\(error)")
            return
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        if !leftover.isEmpty {
            context.fireChannelRead(self.wrapInboundOut(context.channel.allocator.buffer(bytes: leftover)))
        }
    }

    private func headEnd() -> Int? {
        guard self.response.count >= 4 else { return nil }
        for index in 0...(self.response.count - 4)
        where self.response[index] == 13 && self.response[index + 1] == 10 && self.response[index + 2] == 13
            && self.response[index + 3] == 10
        {
            return index
        }
        return nil
    }

    private func fail(context: ChannelHandlerContext, _ detail: String) {
        context.fireErrorCaught(ConnectError.proxyFailure(detail: detail))
        context.close(promise: nil)
    }
}

extension ProxyConnectHandler {
    typealias InboundOut = ByteBuffer
}
