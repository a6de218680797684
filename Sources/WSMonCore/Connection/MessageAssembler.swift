/// The data message being received, across fragments.
struct MessageAssembler {
    /// `.text` or `.binary` while a message is in progress.
    var opcode: Opcode?
    var buffer: [UInt8] = []
    var utf8 = UTF8Validator()
    /// Bytes received for this message so far.
    var length: UInt64 = 0

    var isInProgress: Bool { self.opcode != nil }

    mutating func start(_ opcode: Opcode) {
        self.opcode = opcode
        self.utf8 = UTF8Validator()
        self.length = 0
    }

    /// Makes room for a data frame's payload: a large frame's length is reserved at once
    /// instead of regrowing (a whole single-frame message in one read skips the buffer
    /// altogether), and fragments grow the buffer geometrically, since reserving the exact
    /// sum for each would copy the whole message again per fragment (quadratic: a 64 MiB
    /// message in 16 KiB fragments would copy 128 GiB).
    mutating func reserve(forFrameOf length: Int) {
        guard length > 4096 else { return }
        let needed = self.buffer.count + length
        guard needed > self.buffer.capacity else { return }
        self.buffer.reserveCapacity(max(needed, 2 * self.buffer.capacity))
    }

    /// Ends the message, keeping the buffer's capacity for the next text message.
    mutating func reset() {
        self.opcode = nil
        self.length = 0
        // A whole message in one frame never touched the buffer: nothing to clear.
        if !self.buffer.isEmpty || self.buffer.capacity > 64 * 1024 {
            self.buffer.removeAll(keepingCapacity: self.buffer.capacity <= 64 * 1024)
        }
    }
}

/// The frame whose payload is arriving.
struct InboundFrame {
    enum Disposition {
        /// Part of a data message.
        case data
        /// A control frame, collected whole (≤ 125 bytes).
        case control
        /// Recorded only: it arrived after the peer's Close.
        case ignored
    }

    var header = FrameHeader(fin: true, opcode: .continuation, payloadLength: 0)
    var disposition = Disposition.ignored
    var preview = PayloadPreview()
    var controlPayload: [UInt8] = []
}
