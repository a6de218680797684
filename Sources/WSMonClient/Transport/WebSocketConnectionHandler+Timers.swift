import NIOCore
import WSMonCore

/// The handler's clock: the close timeout and FIN grace, the keepalive ping and its pong
/// timeout. Every timer is a generation-checked `LoopTimer`; each firing claims its slot
/// first, so a timer replaced in the same loop tick does nothing.
extension WebSocketConnectionHandler {
    // MARK: Close timer

    /// One timer covers closing and half-closed (the close timeout); once both Close frames
    /// are exchanged it is replaced by the shorter grace for the server's FIN (§7.1.1).
    func updateCloseTimer(context: ChannelHandlerContext) {
        let state = self.state
        switch state {
        case .closing, .halfClosed:
            guard self.closeTimerPhase == nil else { return }
            self.armCloseTimer(after: self.timing.closeTimeout, for: state, context: context)
        case .closedAwaitingTransport:
            guard self.closeTimerPhase != .closedAwaitingTransport else { return }
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
        self.closeTimerPhase = state
        self.stopKeepalive()
        self.closeTimer.arm(in: delay.timeAmount, on: context.eventLoop) { [self] generation in
            guard self.closeTimer.claim(generation) else { return }
            self.closeTimeoutExpired()
        }
    }

    // MARK: Keepalive

    func startKeepalive(context: ChannelHandlerContext) {
        guard let interval = self.timing.pingInterval else { return }
        self.keepaliveTimer.arm(in: interval.timeAmount, on: context.eventLoop) { [self] generation in
            guard self.keepaliveTimer.claim(generation), self.state == .open else { return }
            _ = try? self.sendPing()
            self.startKeepalive(context: context)
        }
    }

    func stopKeepalive() {
        self.keepaliveTimer.cancel()
        self.pongTimer.cancel()
    }

    /// Any ping, ours or the user's, starts the pong timeout if none is running.
    func pingSent(_ id: PingID) {
        guard let context = self.runningContext else { return }
        self.pingSendTimes.record(id, at: context.eventLoop.now)
        if !self.pongTimer.isArmed { self.armPongTimer(context: context) }
    }

    func pongReceived(_ id: PingID, context: ChannelHandlerContext) {
        // The pong retired its ping and every older one; time the next one still waiting.
        self.armPongTimer(context: context)
        guard let sentAt = self.pingSendTimes.sentAt(id) else { return }
        self.output(.roundTrip(id, rtt: (context.eventLoop.now - sentAt).duration))
    }

    /// Arms the pong timeout for the oldest unanswered ping (the core knows which one that
    /// is), or disarms it when every ping is answered.
    private func armPongTimer(context: ChannelHandlerContext) {
        guard let deadline = self.pongDeadline else { return self.pongTimer.cancel() }
        self.pongTimer.arm(in: deadline - context.eventLoop.now, on: context.eventLoop) { [self] generation in
            guard self.pongTimer.claim(generation), let deadline = self.pongDeadline else { return }
            if context.eventLoop.now >= deadline {
                self.failForMissingPong()
            } else {
                self.armPongTimer(context: context)
            }
        }
    }

    /// When the oldest unanswered ping times out.
    private var pongDeadline: NIODeadline? {
        guard let oldest = self.core.oldestUnansweredPing, let sentAt = self.pingSendTimes.sentAt(oldest) else {
            return nil
        }
        return sentAt + self.timing.pongTimeout.timeAmount
    }
}

/// When each ping we sent left, by id. The core decides which pings are unanswered (a pong
/// retires its ping and every older one); this only remembers times, in a ring of the
/// core's size: a slot is reused only after the core has forgotten its ping.
struct PingSendTimes {
    private var times: [NIODeadline] = []

    mutating func record(_ id: PingID, at time: NIODeadline) {
        // Allocated at the first ping, so a session that never pings pays nothing.
        if self.times.isEmpty {
            self.times = Array(repeating: time, count: ClientConnection.unansweredPingLimit)
        }
        self.times[Self.slot(id)] = time
    }

    func sentAt(_ id: PingID) -> NIODeadline? {
        self.times.isEmpty ? nil : self.times[Self.slot(id)]
    }

    private static func slot(_ id: PingID) -> Int {
        Int(id.rawValue % UInt64(ClientConnection.unansweredPingLimit))
    }
}
