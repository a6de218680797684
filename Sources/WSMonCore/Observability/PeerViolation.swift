/// Something the server did that RFC 6455 forbids. Each is a distinct value so the monitor
/// can count and show them; `closeCode` is what we fail the connection with, and
/// `isFatal` is false for the ones that arrive after the close handshake began, which are
/// recorded but need no reaction.
public enum PeerViolation: Error, Hashable, Sendable, CustomStringConvertible {
    case maskedFrame
    case reservedBitsSet(UInt8)
    case unknownOpcode(UInt8)
    case fragmentedControlFrame(Opcode)
    case controlFrameTooLong(Opcode, length: UInt64)
    case continuationWithoutMessage
    case dataFrameInsideFragmentedMessage(Opcode)
    case lengthWithTopBitSet
    case nonMinimalLength(UInt64)
    case frameTooLarge(length: UInt64, limit: Int)
    case messageTooLarge(length: UInt64, limit: Int)
    /// A text message byte that cannot be part of UTF-8; `offset` counts from the message start.
    case invalidUTF8(offset: Int)
    case incompleteUTF8AtEndOfMessage
    case closePayloadTooShort
    case invalidCloseCode(UInt16)
    case invalidUTF8InCloseReason
    case secondCloseFrame
    case frameAfterClose(Opcode)
    /// RFC 7692 §6: RSV1 marks a message's first frame only, never a control frame.
    case compressedControlFrame(Opcode)
    case compressedContinuationFrame
    /// A compressed message that is not valid DEFLATE data (§6.2).
    case corruptCompressedData(String)
    /// A compressed message that inflates past the limit, found while inflating.
    case inflatedMessageTooLarge(limit: Int)

    public var closeCode: CloseCode {
        switch self {
        case .invalidUTF8, .incompleteUTF8AtEndOfMessage, .invalidUTF8InCloseReason, .corruptCompressedData:
            return .invalidPayloadData
        case .frameTooLarge, .messageTooLarge, .inflatedMessageTooLarge: return .messageTooBig
        default: return .protocolError
        }
    }

    public var isFatal: Bool {
        switch self {
        case .secondCloseFrame, .frameAfterClose: return false
        default: return true
        }
    }

    /// A stable, machine-friendly name (for JSON Lines and counters).
    public var name: String {
        switch self {
        case .maskedFrame: return "masked_frame"
        case .reservedBitsSet: return "reserved_bits_set"
        case .unknownOpcode: return "unknown_opcode"
        case .fragmentedControlFrame: return "fragmented_control_frame"
        case .controlFrameTooLong: return "control_frame_too_long"
        case .continuationWithoutMessage: return "continuation_without_message"
        case .dataFrameInsideFragmentedMessage: return "data_frame_inside_fragmented_message"
        case .lengthWithTopBitSet: return "length_top_bit_set"
        case .nonMinimalLength: return "non_minimal_length"
        case .frameTooLarge: return "frame_too_large"
        case .messageTooLarge: return "message_too_large"
        case .invalidUTF8: return "invalid_utf8"
        case .incompleteUTF8AtEndOfMessage: return "incomplete_utf8"
        case .closePayloadTooShort: return "close_payload_too_short"
        case .invalidCloseCode: return "invalid_close_code"
        case .invalidUTF8InCloseReason: return "invalid_utf8_in_close_reason"
        case .secondCloseFrame: return "second_close_frame"
        case .frameAfterClose: return "frame_after_close"
        case .compressedControlFrame: return "compressed_control_frame"
        case .compressedContinuationFrame: return "compressed_continuation_frame"
        case .corruptCompressedData: return "corrupt_compressed_data"
        case .inflatedMessageTooLarge: return "inflated_message_too_large"
        }
    }

    public var description: String {
        switch self {
        case .maskedFrame: return "server sent a masked frame (§5.1)"
        case .reservedBitsSet(let bits): return "reserved bits \(bits) set without a negotiated extension (§5.2)"
        case .unknownOpcode(let raw): return "unknown opcode 0x\(String(raw, radix: 16)) (§5.2)"
        case .fragmentedControlFrame(let opcode): return "fragmented \(opcode) control frame (§5.5)"
        case .controlFrameTooLong(let opcode, let length):
            return "\(opcode) control frame of \(length) bytes, over 125 (§5.5)"
        case .continuationWithoutMessage: return "continuation frame with no message to continue (§5.4)"
        case .dataFrameInsideFragmentedMessage(let opcode):
            return "new \(opcode) frame inside a fragmented message (§5.4)"
        case .lengthWithTopBitSet: return "64-bit payload length with its most significant bit set (§5.2)"
        case .nonMinimalLength(let length): return "length \(length) not in its minimal encoding (§5.2)"
        case .frameTooLarge(let length, let limit): return "frame of \(length) bytes exceeds the limit of \(limit)"
        case .messageTooLarge(let length, let limit):
            return "message of at least \(length) bytes exceeds the limit of \(limit)"
        case .invalidUTF8(let offset): return "invalid UTF-8 in text message at byte \(offset) (§8.1)"
        case .incompleteUTF8AtEndOfMessage: return "text message ends inside a UTF-8 sequence (§8.1)"
        case .closePayloadTooShort: return "Close frame with a 1-byte payload (§5.5.1)"
        case .invalidCloseCode(let code): return "Close frame with invalid code \(code) (§7.4)"
        case .invalidUTF8InCloseReason: return "Close frame reason is not UTF-8 (§5.5.1)"
        case .secondCloseFrame: return "second Close frame after the first (§5.5.1)"
        case .frameAfterClose(let opcode): return "\(opcode) frame after the peer's Close (§5.5.1)"
        case .compressedControlFrame(let opcode): return "RSV1 set on a \(opcode) control frame (RFC 7692 §6)"
        case .compressedContinuationFrame: return "RSV1 set on a continuation frame (RFC 7692 §6)"
        case .corruptCompressedData(let detail): return "compressed message is not valid DEFLATE data: \(detail)"
        case .inflatedMessageTooLarge(let limit): return "compressed message inflates past the limit of \(limit)"
        }
    }
}
