import NIOCore

/// The per-connection timers the handler runs (the core has no clock).
struct ConnectionTiming: Sendable {
    var closeTimeout: Duration
    var transportCloseGrace: Duration
    var pingInterval: Duration?
    var pongTimeout: Duration
    /// How long the connection parses before the others on its event loop get a turn (see
    /// `WebSocketConnectionHandler.parse`); tests shorten it.
    var turnBudget: TimeAmount = .microseconds(500)

    init(_ options: SessionOptions) {
        self.closeTimeout = options.closeTimeout
        self.transportCloseGrace = options.transportCloseGrace
        self.pingInterval = options.pingInterval
        self.pongTimeout = options.pongTimeout
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = self.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension TimeAmount {
    var duration: Duration { .nanoseconds(self.nanoseconds) }
}
