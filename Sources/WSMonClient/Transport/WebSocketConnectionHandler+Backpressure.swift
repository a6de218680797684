import NIOCore

/// Reading stops, at a message boundary, when the consumer asks (its queue or an output is
/// full) or when our outbound buffer passes NIO's high-water mark (a server that sends and
/// never reads, e.g. a ping flood whose pongs pile up). TCP then pushes back on the server;
/// what was already read waits unparsed and is parsed first when reading resumes.
extension WebSocketConnectionHandler {
    /// The consumer's wish (`Session.setReading`).
    func setReading(_ enabled: Bool) {
        self.consumerPaused = !enabled
        self.updateReading()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.outboundFull = !context.channel.isWritable
        // While full, pongs coalesce to the latest ping's (the core holds it).
        self.core.setOutboundBlocked(self.outboundFull)
        if !self.outboundFull { self.run() }
        self.updateReading()
        context.fireChannelWritabilityChanged()
    }

    /// A connection alone in its round doubles its turn (first `timing.turnBudget`), up to
    /// this, so a flood alone keeps its throughput, while with N connections flooding one
    /// loop any other waits about N × the budget.
    static var longestTurn: TimeAmount { .milliseconds(8) }

    private func updateReading() {
        let paused = self.consumerPaused || self.outboundFull
        guard paused != self.readingPaused, self.runningContext != nil else { return }
        self.readingPaused = paused
        self.updateAutoRead()
        if !paused && self.unparsed != nil { self.yieldTurn() }
    }

    /// The socket is read only when nothing waits to be parsed and nobody asked for a pause.
    private func updateAutoRead() {
        self.runningContext?.channel.setOption(
            ChannelOptions.autoRead,
            value: !(self.readingPaused || self.backlogged)
        ).whenComplete { _ in }
    }

    /// Parses the rest in a later turn (see `TurnQueue`), with the socket unread meanwhile,
    /// and, when resuming, with no consumer's sink on the stack.
    func yieldTurn() {
        guard !self.backlogged, let context = self.runningContext else { return }
        self.backlogged = true
        self.updateAutoRead()
        TurnQueue.current.enqueue(self, on: context.eventLoop)
    }

    /// This connection's next turn; `alone` in its round, it may be twice as long.
    func takeTurn(alone: Bool) {
        self.turn = alone ? min(self.turn * 2, Self.longestTurn) : self.timing.turnBudget
        self.backlogged = false
        self.parseUnparsed(ignoringPause: false)
        if !self.backlogged { self.updateAutoRead() }
    }

    /// Parses what a pause left unread (all of it when `ignoringPause`: the transport is
    /// ending and nothing received may be lost), then the FIN that came behind it. Stops
    /// when a pause comes or the turn is over again (`yieldTurn` then comes back).
    func parseUnparsed(ignoringPause: Bool) {
        while let pending = self.unparsed, ignoringPause || !(self.readingPaused || self.backlogged),
            self.runningContext != nil
        {
            self.unparsed = nil
            self.parse(pending, stopsWhenPaused: !ignoringPause)
        }
        if self.unparsed == nil && self.inputClosedWhilePaused {
            self.inputClosedWhilePaused = false
            self.core.receiveEOF()
            self.run()
        }
        if let context = self.runningContext, self.needsFlush {
            self.needsFlush = false
            context.flush()
        }
    }
}
