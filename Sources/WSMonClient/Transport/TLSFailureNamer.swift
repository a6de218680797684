import NIOCore
import NIOSSL
import NIOTLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sits right behind the TLS handler and turns the TLS errors it reports into a
/// `TLSFailure`, reading the server's certificate while the TLS handler still has it (a
/// failed handshake leaves it readable until the channel is torn down). Also tells the
/// attempt when the TLS handshake is done, so an open timeout can say where it was.
final class TLSFailureNamer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let tlsHandler: NIOSSLClientHandler
    private let host: String
    private let progress: AttemptProgress

    init(naming tlsHandler: NIOSSLClientHandler, host: String, progress: AttemptProgress) {
        self.tlsHandler = tlsHandler
        self.host = host
        self.progress = progress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { self.progress.phase = .upgrade }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure = TLSFailure(
            classifying: error,
            peerCertificate: self.tlsHandler.peerCertificate,
            host: self.host,
            now: time(nil)
        )
        context.fireErrorCaught(failure ?? error)
    }
}
