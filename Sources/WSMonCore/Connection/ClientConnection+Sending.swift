extension ClientConnection {
    /// Kinds of data message.
    public enum MessageKind: Sendable {
        case text
        case binary

        var opcode: Opcode { self == .text ? .text : .binary }
    }

    /// Queues a text message as one frame (compressed when permessage-deflate is on).
    public mutating func sendText(_ text: String) throws(UsageError) {
        try self.checkCanStartMessage()
        var text = text
        text.withUTF8 { self.appendMessage(.text, payload: UnsafeRawBufferPointer($0)) }
    }

    /// Queues a binary message as one frame (compressed when permessage-deflate is on).
    public mutating func sendBinary(_ bytes: [UInt8]) throws(UsageError) {
        try self.checkCanStartMessage()
        bytes.withUnsafeBytes { self.appendMessage(.binary, payload: $0) }
    }

    /// One whole message in one frame; under permessage-deflate compressed, with RSV1 set
    /// (RFC 7692 §6.1). Fragments (`sendFragment`) and control frames go uncompressed,
    /// which §6 allows for any message.
    private mutating func appendMessage(_ opcode: Opcode, payload: UnsafeRawBufferPointer) {
        guard let compressed = self.deflate?.deflate(payload) else {
            return self.appendFrame(opcode, fin: true, payload: payload)
        }
        compressed.withUnsafeBytes {
            self.appendFrame(opcode, fin: true, rsv: Self.rsv1, payload: $0, messageSize: UInt64(payload.count))
        }
    }

    /// Queues one fragment of a message (§5.4): the first fragment gives the kind, the
    /// rest are continuations; `isFinal` ends the message. A message in progress may be
    /// finished after the peer's Close, before our reply (§5.5.1 allows the delay).
    public mutating func sendFragment(_ bytes: [UInt8], kind: MessageKind, isFinal: Bool) throws(UsageError) {
        let continuing = self.outboundMessage != nil
        switch self.state {
        case .connecting: throw .notOpenYet
        case .open: break
        case .halfClosed: guard continuing else { throw .peerClosed }
        case .closing, .closedAwaitingTransport, .closed: throw .closeAlreadySent(self.state)
        }
        let opcode = continuing ? Opcode.continuation : kind.opcode
        bytes.withUnsafeBytes { self.appendFrame(opcode, fin: isFinal, payload: $0) }
        self.outboundMessage = isFinal ? nil : kind.opcode
        if isFinal, self.state == .halfClosed, self.options.replyToCloseAutomatically {
            self.replyToPeerClose()
        }
    }

    /// Queues a ping. Without a payload, four random bytes are used so pongs can be told
    /// apart. Returns the id its pong will carry in `.pong(_, answering:)`.
    @discardableResult
    public mutating func sendPing(_ payload: [UInt8]? = nil) throws(UsageError) -> PingID {
        try self.checkCanSendControl()
        let payload = payload ?? (0..<4).map { _ in UInt8.random(in: .min ... .max, using: &self.random) }
        guard payload.count <= 125 else { throw .controlPayloadTooLong(byteCount: payload.count) }
        payload.withUnsafeBytes { self.appendFrame(.ping, fin: true, payload: $0) }
        return self.pings.sent(payload)
    }

    /// The longest-waiting ping we sent that no pong has answered yet (a pong answers its
    /// ping and every older one, §5.5.3), for the caller's pong timeout.
    public var oldestUnansweredPing: PingID? { self.pings.oldest }

    /// How many unanswered pings are remembered; beyond it the oldest is forgotten. A caller
    /// that keeps per-ping data can key it by `PingID.rawValue` modulo this.
    public static let unansweredPingLimit = PingTracker.limit

    /// Queues an unsolicited pong (a one-way heartbeat, §5.5.3).
    public mutating func sendPong(_ payload: [UInt8] = []) throws(UsageError) {
        try self.checkCanSendControl()
        guard payload.count <= 125 else { throw .controlPayloadTooLong(byteCount: payload.count) }
        payload.withUnsafeBytes { self.appendFrame(.pong, fin: true, payload: $0) }
    }

    private func checkCanStartMessage() throws(UsageError) {
        try self.checkCanSendControl()
        if self.outboundMessage != nil { throw .fragmentedMessageInProgress }
    }

    private func checkCanSendControl() throws(UsageError) {
        switch self.state {
        case .connecting: throw .notOpenYet
        case .open: return
        case .halfClosed: throw .peerClosed
        case .closing, .closedAwaitingTransport, .closed: throw .closeAlreadySent(self.state)
        }
    }

    /// Encodes one frame, masked with a fresh key (§5.3), and records it.
    mutating func appendFrame(
        _ opcode: Opcode,
        fin: Bool,
        rsv: UInt8 = 0,
        payload: UnsafeRawBufferPointer,
        messageSize: UInt64? = nil
    ) {
        let key = UInt32(truncatingIfNeeded: self.random.next())
        let header = FrameHeader(
            fin: fin,
            rsv: rsv,
            opcode: opcode,
            maskingKey: key,
            payloadLength: UInt64(payload.count)
        )
        header.encode(into: &self.outbound)
        let start = self.outbound.count
        self.outbound.append(contentsOf: payload)
        self.outbound.withUnsafeMutableBytes {
            Masking.apply(key: key, to: UnsafeMutableRawBufferPointer(rebasing: $0[start...]))
        }
        guard self.options.recordFrames else { return }
        var preview = PayloadPreview()
        preview.append(contentsOf: payload)
        self.events.append(
            .frame(
                FrameRecord(
                    direction: .outbound,
                    opcode: opcode,
                    fin: fin,
                    rsv: rsv,
                    masked: true,
                    length: UInt64(payload.count),
                    preview: preview,
                    messageSize: messageSize
                )
            )
        )
    }
}
