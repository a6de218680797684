/// The close handshake (RFC 6455 §5.5.1, §7). One rule above all: exactly one Close frame
/// is ever sent. `sendCloseFrame` is called only from the `.open` and `.halfClosed` arms
/// below, and each of those arms leaves a state in which no Close can be sent again.
extension ClientConnection {
    /// Starts the close handshake. In half-closed state the Close sent is the reply, which
    /// echoes the peer's. While connecting, the attempt is abandoned.
    public mutating func close(code: CloseCode = .normalClosure, reason: String = "") throws(UsageError) {
        try CloseFrame.validate(code: code, reason: reason)
        switch self.internalState {
        case .connecting:
            self.finish(
                CloseProgress(initiator: .local, failure: .aborted(reason: "closed before the handshake completed"))
                    .summary(transportClosedBy: .local)
            )
        case .open:
            let frame = CloseFrame(code: code, reason: reason)
            self.sendCloseFrame(frame)
            self.internalState = .closing(CloseProgress(initiator: .local, sent: frame))
        case .halfClosed:
            self.replyToPeerClose()
        case .closing, .closedAwaitingTransport, .closed:
            throw .closeAlreadySent(self.state)
        }
    }

    /// Fails the connection from our side (for instance a keepalive pong timeout): sends a
    /// Close with `code` if none was sent yet, then stops processing input (§7.1.7).
    /// A code that may not be sent (1005, 1006, 1015…) drops the transport instead.
    public mutating func fail(code: CloseCode = .internalError, reason: String) {
        guard code.isValidOnTheWire else {
            self.abort(reason: reason)
            return
        }
        self.fail(.local(code: code, reason: reason), code: code, reason: reason)
    }

    /// Drops the connection without a close handshake (an abrupt TCP close, an open timeout).
    public mutating func abort(reason: String) {
        switch self.internalState {
        case .closed:
            return
        case .connecting, .open:
            self.finish(
                CloseProgress(initiator: .local, failure: .aborted(reason: reason)).summary(transportClosedBy: .local)
            )
        case .closing(var progress), .halfClosed(var progress), .closedAwaitingTransport(var progress):
            progress.failure = progress.failure ?? .aborted(reason: reason)
            self.finish(progress.summary(transportClosedBy: .local))
        }
    }

    /// The peer closed its side of TCP (EOF) or the connection was lost.
    public mutating func receiveEOF() {
        switch self.internalState {
        case .connecting:
            self.receiveEOFWhileConnecting()
        case .open:
            // §7.1.5: no Close frame received means code 1006.
            self.discardPartialMessage()
            self.finish(CloseProgress(initiator: .transport).summary(transportClosedBy: .peer))
        case .closing(let progress), .halfClosed(let progress), .closedAwaitingTransport(let progress):
            self.discardPartialMessage()
            self.finish(progress.summary(transportClosedBy: .peer))
        case .closed:
            return
        }
    }

    /// The caller's close timer fired while a close handshake was in progress: the
    /// connection is finished and records the state it was stuck in.
    public mutating func closeTimeoutExpired() {
        switch self.internalState {
        case .closing(let progress), .halfClosed(let progress), .closedAwaitingTransport(let progress):
            let stuckIn = self.state
            self.finish(progress.summary(transportClosedBy: .local, timeoutIn: stuckIn))
        case .connecting, .open, .closed:
            return
        }
    }

    /// A valid or invalid Close frame from the peer, while open or closing (later ones are
    /// recorded by the receive path as `.secondCloseFrame`).
    mutating func receiveClose(_ payload: [UInt8]) {
        let frame: CloseFrame
        switch CloseFrame.parse(payload) {
        case .failure(let violation):
            self.peerViolated(violation)
            return
        case .success(let parsed):
            frame = parsed
        }
        // A fragmented message cut short by the Close cannot be delivered; say so.
        self.discardPartialMessage()
        self.events.append(.closeReceived(frame))
        switch self.internalState {
        case .open:
            self.internalState = .halfClosed(CloseProgress(initiator: .remote, received: frame))
            // §5.5.1: reply "as soon as practical", after finishing a message being sent.
            if self.options.replyToCloseAutomatically && self.outboundMessage == nil {
                self.replyToPeerClose()
            }
        case .closing(var progress):
            progress.received = frame
            self.internalState = .closedAwaitingTransport(progress)
        case .connecting, .halfClosed, .closedAwaitingTransport, .closed:
            preconditionFailure("receiveClose is only reached from .open and .closing (see beginFrame)")
        }
    }

    /// Sends our reply to the peer's Close, echoing its payload byte for byte.
    mutating func replyToPeerClose() {
        guard case .halfClosed(var progress) = self.internalState, let received = progress.received else { return }
        self.sendCloseFrame(received)
        progress.sent = received
        self.internalState = .closedAwaitingTransport(progress)
    }

    /// The peer broke a rule: report it and, when fatal, fail the connection (§7.1.7).
    mutating func peerViolated(_ violation: PeerViolation) {
        if self.violationTally.count(violation) { self.events.append(.violation(violation)) }
        guard violation.isFatal else { return }
        self.fail(.peerViolation(violation), code: violation.closeCode, reason: violation.closeReason)
    }

    private mutating func fail(_ failure: ConnectionFailure, code: CloseCode, reason: String) {
        // "An endpoint MUST NOT continue to attempt to process data (including a
        // responding Close frame) from the remote endpoint after being instructed to
        // _Fail the WebSocket Connection_."
        self.discardingInput = true
        switch self.internalState {
        case .connecting:
            self.finish(CloseProgress(initiator: .failure, failure: failure).summary(transportClosedBy: .local))
        case .open:
            let frame = CloseFrame(code: code, reason: reason)
            self.sendCloseFrame(frame)
            self.internalState = .closing(CloseProgress(initiator: .failure, sent: frame, failure: failure))
        case .halfClosed(var progress):
            let frame = CloseFrame(code: code, reason: reason)
            self.sendCloseFrame(frame)
            progress.sent = frame
            progress.failure = failure
            self.internalState = .closedAwaitingTransport(progress)
        case .closing(var progress):
            progress.failure = progress.failure ?? failure
            self.internalState = .closing(progress)
        case .closedAwaitingTransport(var progress):
            progress.failure = progress.failure ?? failure
            self.internalState = .closedAwaitingTransport(progress)
        case .closed:
            return
        }
    }

    private mutating func sendCloseFrame(_ frame: CloseFrame) {
        frame.payload.withUnsafeBytes { self.appendFrame(.close, fin: true, payload: $0) }
        self.events.append(.closeSent(frame))
    }

    mutating func finish(_ summary: CloseSummary) {
        var summary = summary
        summary.violations = self.violationTally.total
        summary.unreportedViolations = self.violationTally.unreported
        self.discardingInput = true
        self.internalState = .closed(summary)
        self.events.append(.closed(summary))
    }
}

extension PeerViolation {
    /// The reason we put in our Close: the description, cut to fit 123 bytes on a
    /// character boundary.
    var closeReason: String {
        var reason = ""
        for character in self.description {
            guard reason.utf8.count + character.utf8.count <= 123 else { break }
            reason.append(character)
        }
        return reason
    }
}
