/// The content of one Close frame, as sent or received.
public struct CloseFrame: Hashable, Sendable, CustomStringConvertible {
    /// nil for a Close frame with an empty payload (reported as 1005).
    public var code: CloseCode?
    public var reason: String
    /// The payload exactly as it was on the wire; a reply to the peer's Close echoes it.
    public var payload: [UInt8]

    public init(code: CloseCode?, reason: String = "") {
        self.code = code
        self.reason = reason
        if let code {
            self.payload = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)] + Array(reason.utf8)
        } else {
            self.payload = []
        }
    }

    /// Checks that a Close frame with `code` and `reason` may be sent (RFC 6455 §5.5, §7.4):
    /// a code that is not reserved for reporting, and a reason that fits the 125-byte payload.
    /// Every caller that takes a code from a user (the API, flags, prompts) checks with this.
    public static func validate(code: CloseCode, reason: String) throws(UsageError) {
        guard code.isValidOnTheWire else { throw .invalidCloseCode(code.rawValue) }
        guard reason.utf8.count <= 123 else { throw .closeReasonTooLong(byteCount: reason.utf8.count) }
    }

    /// The code a report shows for this frame: its own, or 1005 when it carried none.
    public var reportedCode: CloseCode { self.code ?? .noStatusReceived }

    public var description: String {
        self.reason.isEmpty ? self.reportedCode.description : "\(self.reportedCode) \"\(self.reason)\""
    }

    /// Parses a received Close payload (RFC 6455 §5.5.1): empty, or a 2-byte code followed
    /// by a UTF-8 reason. Returns the violation the payload commits, if any.
    static func parse(_ payload: [UInt8]) -> Result<CloseFrame, PeerViolation> {
        if payload.isEmpty { return .success(CloseFrame(code: nil)) }
        if payload.count == 1 { return .failure(.closePayloadTooShort) }
        let code = CloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isValidOnTheWire else { return .failure(.invalidCloseCode(code.rawValue)) }
        let reasonBytes = payload[2...]
        guard reasonBytes.withUnsafeBytes({ UTF8Validator.isValid($0) }) else {
            return .failure(.invalidUTF8InCloseReason)
        }
        var frame = CloseFrame(code: code, reason: String(decoding: reasonBytes, as: UTF8.self))
        frame.payload = payload
        return .success(frame)
    }
}
