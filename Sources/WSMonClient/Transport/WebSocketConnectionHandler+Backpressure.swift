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

    private func updateReading() {
        let paused = self.consumerPaused || self.outboundFull
        guard paused != self.readingPaused, let context = self.runningContext else { return }
        self.readingPaused = paused
        context.channel.setOption(ChannelOptions.autoRead, value: !paused).whenComplete { _ in }
        if !paused && self.unparsed != nil {
            // Not from inside the call that resumed us (a consumer's sink may be on the stack).
            context.eventLoop.assumeIsolated().execute { self.parseUnparsed(ignoringPause: false) }
        }
    }

    /// Parses what a pause left unread (all of it when `ignoringPause`: the transport is
    /// ending and nothing received may be lost), then the FIN that came behind it.
    func parseUnparsed(ignoringPause: Bool) {
        while let pending = self.unparsed, ignoringPause || !self.readingPaused, self.runningContext != nil {
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
