extension ClientConnection {
    /// Tells the core whether the caller's outbound buffer is full. While it is, a ping's
    /// pong is held instead of queued, and a later ping's replaces it: RFC 6455 §5.5.3 lets
    /// an endpoint answer only the most recent ping, so a server that floods pings and never
    /// reads cannot make us queue a pong for each. The held pong is queued (take it with
    /// `takeBytesToSend()`) once the caller says the buffer drained.
    public mutating func setOutboundBlocked(_ blocked: Bool) {
        self.outboundBlocked = blocked
        guard !blocked, let pong = self.heldPong else { return }
        self.heldPong = nil
        // §5.5.2: nothing is sent after our Close.
        guard self.state == .open else { return }
        pong.withUnsafeBytes { self.appendFrame(.pong, fin: true, payload: $0) }
    }

    /// §5.5.2: answer with a Pong carrying the same data (held while outbound is blocked).
    mutating func answerPing(_ payload: [UInt8]) {
        if self.outboundBlocked {
            self.heldPong = payload
        } else {
            payload.withUnsafeBytes { self.appendFrame(.pong, fin: true, payload: $0) }
        }
    }
}
