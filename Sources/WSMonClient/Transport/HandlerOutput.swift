import FoundationEssentials
import NIOCore
import WSMonCore

/// What a connection handler tells its session, always on the channel's event loop.
enum HandlerOutput {
    /// Events from the core, in wire order, with the time their bytes were read.
    case events([WebSocketEvent], at: Date)
    /// A pong answered our keepalive or user ping after `rtt`.
    case roundTrip(PingID, rtt: Duration)
    /// The TCP connection is gone; `summary` is how the WebSocket connection ended and
    /// `transportError` what NIO reported, if anything (TLS alerts, resets).
    case transportClosed(summary: CloseSummary?, transportError: (any Error)?)
}
