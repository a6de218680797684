extension ClientConnection {
    /// Receive data from the network.
    ///
    /// After calling this method, write `takeBytesToSend()` (pongs, Close replies) and
    /// process `takeEvents()`. Bytes may be split anywhere; the result never depends on
    /// where.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer) {
        _ = self.receive(bytes, stoppingAfterMessage: false)
    }

    /// Receive data, stopping right after the handshake completes or a message is complete,
    /// so the caller can act on it (answer it, send its subscriptions) before later frames are
    /// parsed: frame-by-frame delivery.
    /// Returns how many bytes were consumed; call again with the rest.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, stoppingAfterMessage: Bool) -> Int {
        var index = 0
        if self.state == .connecting {
            self.receiveHandshake(bytes, index: &index)
            // The open is a boundary too: the caller sends what it sends on open before
            // the frames that followed the response in the same read are parsed.
            if stoppingAfterMessage && self.state == .open { return index }
        }
        self.receiveFrames(bytes, from: &index, stoppingAfterMessage: stoppingAfterMessage)
        return self.discardingInput ? bytes.count : index
    }

    public mutating func receive(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.receive($0) }
    }

    public mutating func receive(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { self.receive($0) }
    }

    private mutating func receiveFrames(
        _ input: UnsafeRawBufferPointer,
        from index: inout Int,
        stoppingAfterMessage: Bool
    ) {
        while !self.discardingInput {
            switch self.state {
            case .connecting, .closed: return
            case .open, .closing, .halfClosed, .closedAwaitingTransport: break
            }
            switch self.decoder.next(input, index: &index) {
            case .needMoreData:
                return
            case .violation(let violation):
                self.peerViolated(violation)
            case .header(let header):
                self.beginFrame(header)
            case .payload(let chunk, let isFrameEnd):
                let delivered = self.receivePayload(chunk, isFrameEnd: isFrameEnd)
                if delivered && stoppingAfterMessage { return }
            }
        }
    }

    private mutating func beginFrame(_ header: FrameHeader) {
        self.inbound.header = header
        self.inbound.preview = PayloadPreview()
        switch self.state {
        case .halfClosed, .closedAwaitingTransport:
            // §5.5.1: after a Close "the endpoint will not send any more data frames";
            // whatever follows is recorded at its end, never delivered.
            self.inbound.disposition = .ignored
            return
        default:
            break
        }
        if let violation = self.violation(in: header) {
            self.inbound.disposition = .ignored
            self.recordInboundFrame()
            self.peerViolated(violation)
            return
        }
        if header.opcode.isControl {
            self.inbound.disposition = .control
            self.inbound.controlPayload.removeAll(keepingCapacity: true)
        } else {
            self.inbound.disposition = .data
            if header.opcode != .continuation { self.message.start(header.opcode) }
            // The length passed the size limits above.
            self.message.reserve(forFrameOf: Int(header.payloadLength))
        }
    }

    /// The rules of RFC 6455 §5 a frame header can break, checked before any payload is read.
    private func violation(in header: FrameHeader) -> PeerViolation? {
        // §5.1: "A client MUST close a connection if it detects a masked frame."
        if header.maskingKey != nil { return .maskedFrame }
        // §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated"; we negotiate none.
        if header.rsv != 0 { return .reservedBitsSet(header.rsv) }
        if !header.opcode.isKnown { return .unknownOpcode(header.opcode.rawValue) }
        if header.opcode.isControl {
            // §5.5: "All control frames MUST have a payload length of 125 bytes or less
            // and MUST NOT be fragmented."
            if !header.fin { return .fragmentedControlFrame(header.opcode) }
            if header.payloadLength > 125 { return .controlFrameTooLong(header.opcode, length: header.payloadLength) }
            return nil
        }
        // §5.4: fragments of one message are contiguous; a continuation needs a start.
        if header.opcode == .continuation {
            if !self.message.isInProgress { return .continuationWithoutMessage }
        } else if self.message.isInProgress {
            return .dataFrameInsideFragmentedMessage(header.opcode)
        }
        if header.payloadLength > UInt64(self.options.maxFrameSize) {
            return .frameTooLarge(length: header.payloadLength, limit: self.options.maxFrameSize)
        }
        let soFar = header.opcode == .continuation ? self.message.length : 0
        if soFar + header.payloadLength > UInt64(self.options.maxMessageSize) {
            return .messageTooLarge(length: soFar + header.payloadLength, limit: self.options.maxMessageSize)
        }
        return nil
    }

    /// Returns true at a boundary the caller may act on before more is parsed: a data
    /// message delivered, or a control frame (or an ignored one) handled. So a caller that
    /// stops reading while its outbound buffer is full stops after the ping that filled it.
    private mutating func receivePayload(_ chunk: UnsafeRawBufferPointer, isFrameEnd: Bool) -> Bool {
        if self.options.recordFrames && !self.inbound.preview.isFull {
            self.inbound.preview.append(contentsOf: chunk)
        }
        switch self.inbound.disposition {
        case .data:
            return self.receiveMessageData(chunk, isFrameEnd: isFrameEnd)
        case .control:
            self.inbound.controlPayload.append(contentsOf: chunk)
            guard isFrameEnd else { return false }
            self.recordInboundFrame()
            self.receiveControlFrame(self.inbound.header.opcode, payload: self.inbound.controlPayload)
            return true
        case .ignored:
            guard isFrameEnd else { return false }
            self.recordInboundFrame()
            let opcode = self.inbound.header.opcode
            self.peerViolated(opcode == .close ? .secondCloseFrame : .frameAfterClose(opcode))
            return true
        }
    }

    /// Returns true when the chunk completed a message.
    private mutating func receiveMessageData(_ chunk: UnsafeRawBufferPointer, isFrameEnd: Bool) -> Bool {
        // §8.1: validate text as it arrives, so a bad byte fails the connection at once.
        if self.message.opcode == .text, let bad = self.message.utf8.validate(chunk) {
            self.recordInboundFrame()
            self.peerViolated(.invalidUTF8(offset: Int(self.message.length) + bad))
            return false
        }
        let isWholeMessage =
            isFrameEnd && self.inbound.header.fin && self.message.length == 0
            && UInt64(chunk.count) == self.inbound.header.payloadLength
        self.message.length += UInt64(chunk.count)
        if !isWholeMessage { self.message.buffer.append(contentsOf: chunk) }
        guard isFrameEnd else { return false }
        self.recordInboundFrame()
        guard self.inbound.header.fin else { return false }
        if self.message.opcode == .text {
            guard self.message.utf8.isComplete else {
                self.peerViolated(.incompleteUTF8AtEndOfMessage)
                return false
            }
            // Already validated: decoding cannot substitute replacement characters.
            let text =
                isWholeMessage
                ? String(decoding: chunk, as: UTF8.self) : String(decoding: self.message.buffer, as: UTF8.self)
            self.events.append(.text(text))
            self.message.reset()
        } else {
            if isWholeMessage {
                self.events.append(.binary(Array(chunk)))
            } else {
                self.events.append(.binary(self.message.buffer))
                self.message.buffer = []
            }
            self.message.reset()
        }
        return true
    }

    private mutating func receiveControlFrame(_ opcode: Opcode, payload: [UInt8]) {
        switch opcode {
        case .ping:
            // §5.5.2: answer with a Pong carrying the same data. Nothing is sent after our Close.
            self.events.append(.ping(payload))
            if self.state == .open { self.answerPing(payload) }
        case .pong:
            self.events.append(.pong(payload, answering: self.pings.answer(payload)))
        default:
            self.receiveClose(payload)
        }
    }

    private mutating func recordInboundFrame() {
        guard self.options.recordFrames else { return }
        let header = self.inbound.header
        self.events.append(
            .frame(
                FrameRecord(
                    direction: .inbound,
                    opcode: header.opcode,
                    fin: header.fin,
                    rsv: header.rsv,
                    masked: header.maskingKey != nil,
                    length: header.payloadLength,
                    preview: self.inbound.preview
                )
            )
        )
    }

    /// A message cut short by a Close or EOF is reported, not silently lost.
    mutating func discardPartialMessage() {
        guard let opcode = self.message.opcode else { return }
        self.events.append(.partialMessageDiscarded(opcode, byteCount: self.message.length))
        self.message.reset()
    }
}
