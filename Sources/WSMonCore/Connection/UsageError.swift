/// A caller asked for something the connection cannot do in its current state. Never a trap.
public enum UsageError: Error, Hashable, Sendable, CustomStringConvertible {
    case notOpenYet
    /// Our Close is sent (or the connection is finished): nothing more may be sent.
    case closeAlreadySent(ConnectionState)
    /// The peer closed; only the message in progress may be finished before our Close.
    case peerClosed
    case invalidCloseCode(UInt16)
    case closeReasonTooLong(byteCount: Int)
    case controlPayloadTooLong(byteCount: Int)
    case fragmentedMessageInProgress
    case noFragmentedMessageInProgress

    public var description: String {
        switch self {
        case .notOpenYet: return "the connection is not open yet"
        case .closeAlreadySent(let state): return "the connection is \(state): a Close frame was already sent"
        case .peerClosed: return "the peer has closed the connection"
        case .invalidCloseCode(let code):
            let why =
                [1005, 1006, 1015].contains(code)
                ? "\(code) is reserved for reporting and is never sent" : "\(code) may not be sent"
            return "\(why); use 1000–1003, 1007–1014 or 3000–4999"
        case .closeReasonTooLong(let count): return "the reason is \(count) bytes; at most 123 fit in a Close frame"
        case .controlPayloadTooLong(let count):
            return "control frame payload is \(count) bytes; at most 125 are allowed"
        case .fragmentedMessageInProgress: return "a fragmented message is in progress; finish it first"
        case .noFragmentedMessageInProgress: return "no fragmented message is in progress"
        }
    }
}
