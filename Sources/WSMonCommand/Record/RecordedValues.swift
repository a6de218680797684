import Foundation
import WSMonClient
import WSMonCore
import WSMonMonitor

/// The values a replay must rebuild exactly (violations, failures, stop reasons), written
/// in a record as small objects: `case` (the value's name) and its arguments (`n`, `m` for
/// numbers, `text`, `detail` for strings, `opcode`). Every case is written and read here, so
/// the two cannot drift.
enum RecordedValues {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: Peer violations

    static func encode(_ violation: PeerViolation) -> JSONObject {
        var json = JSONObject()
        json.add("case", violation.name)
        switch violation {
        case .reservedBitsSet(let bits): json.add("n", Int(bits))
        case .unknownOpcode(let opcode): json.add("n", Int(opcode))
        case .fragmentedControlFrame(let opcode), .dataFrameInsideFragmentedMessage(let opcode),
            .frameAfterClose(let opcode), .compressedControlFrame(let opcode):
            json.add("opcode", Int(opcode.rawValue))
        case .controlFrameTooLong(let opcode, let length):
            json.add("opcode", Int(opcode.rawValue))
            json.add("n", length)
        case .nonMinimalLength(let length): json.add("n", length)
        case .frameTooLarge(let length, let limit), .messageTooLarge(let length, let limit):
            json.add("n", length)
            json.add("m", limit)
        case .invalidUTF8(let offset): json.add("n", offset)
        case .invalidCloseCode(let code): json.add("n", Int(code))
        case .corruptCompressedData(let text): json.add("text", text)
        case .inflatedMessageTooLarge(let limit): json.add("m", limit)
        case .maskedFrame, .compressedContinuationFrame, .continuationWithoutMessage, .lengthWithTopBitSet,
            .incompleteUTF8AtEndOfMessage,
            .closePayloadTooShort, .invalidUTF8InCloseReason, .secondCloseFrame:
            break
        }
        return json
    }

    static func violation(_ fields: RecordFields) throws -> PeerViolation {
        let name = try fields.text("case")
        let plain: [PeerViolation] = [
            .maskedFrame, .continuationWithoutMessage, .lengthWithTopBitSet, .incompleteUTF8AtEndOfMessage,
            .closePayloadTooShort, .invalidUTF8InCloseReason, .secondCloseFrame, .compressedContinuationFrame,
        ]
        if let found = plain.first(where: { $0.name == name }) { return found }
        let opcode = { () throws -> Opcode in Opcode(rawValue: UInt8(clamping: try fields.integer("opcode"))) }
        let candidates: [PeerViolation] = [
            .reservedBitsSet(0), .unknownOpcode(0), .fragmentedControlFrame(.ping),
            .controlFrameTooLong(.ping, length: 0), .dataFrameInsideFragmentedMessage(.text), .nonMinimalLength(0),
            .frameTooLarge(length: 0, limit: 0), .messageTooLarge(length: 0, limit: 0), .invalidUTF8(offset: 0),
            .invalidCloseCode(0), .frameAfterClose(.text), .compressedControlFrame(.ping), .corruptCompressedData(""),
            .inflatedMessageTooLarge(limit: 0),
        ]
        guard let shape = candidates.first(where: { $0.name == name }) else {
            throw Unreadable(description: "unknown violation \(name)")
        }
        switch shape {
        case .reservedBitsSet: return .reservedBitsSet(UInt8(clamping: try fields.integer("n")))
        case .unknownOpcode: return .unknownOpcode(UInt8(clamping: try fields.integer("n")))
        case .fragmentedControlFrame: return .fragmentedControlFrame(try opcode())
        case .controlFrameTooLong: return .controlFrameTooLong(try opcode(), length: try fields.unsigned("n"))
        case .dataFrameInsideFragmentedMessage: return .dataFrameInsideFragmentedMessage(try opcode())
        case .nonMinimalLength: return .nonMinimalLength(try fields.unsigned("n"))
        case .frameTooLarge: return .frameTooLarge(length: try fields.unsigned("n"), limit: try fields.integer("m"))
        case .messageTooLarge:
            return .messageTooLarge(length: try fields.unsigned("n"), limit: try fields.integer("m"))
        case .invalidUTF8: return .invalidUTF8(offset: try fields.integer("n"))
        case .invalidCloseCode: return .invalidCloseCode(UInt16(clamping: try fields.integer("n")))
        case .compressedControlFrame: return .compressedControlFrame(try opcode())
        case .corruptCompressedData: return .corruptCompressedData(try fields.text("text"))
        case .inflatedMessageTooLarge: return .inflatedMessageTooLarge(limit: try fields.integer("m"))
        default: return .frameAfterClose(try opcode())
        }
    }

    // MARK: Handshake failures and rejections

    static func encode(_ failure: HandshakeFailure) -> JSONObject {
        var json = JSONObject()
        json.add("case", failure.name)
        switch failure {
        case .malformedStatusLine(let text), .malformedHeaderLine(let text), .subprotocolNotOffered(let text),
            .multipleSubprotocols(let text), .extensionNotOffered(let text), .malformedExtensionHeader(let text),
            .extensionParameterUnknown(let text), .extensionParameterRepeated(let text),
            .extensionParameterNotOffered(let text), .extensionParameterMissing(let text),
            .compressionUnavailable(let text):
            json.add("text", text)
        case .extensionParameterInvalid(let name, let value):
            json.add("text", name)
            if let value { json.add("detail", value) }
        case .multipleExtensionsAccepted(let count): json.add("n", count)
        case .upgradeHeaderMissingOrInvalid(let text), .connectionHeaderMissingOrInvalid(let text):
            if let text { json.add("text", text) }
        case .responseHeadTooLarge(let limit): json.add("n", limit)
        case .connectionClosedDuringHandshake(let count): json.add("n", count)
        case .acceptMismatch(let expected, let received):
            json.add("text", expected)
            json.add("detail", received)
        case .acceptMissing: break
        }
        return json
    }

    static func handshakeFailure(_ fields: RecordFields) throws -> HandshakeFailure {
        let name = try fields.text("case")
        let text = fields.optionalText("text")
        let shapes: [HandshakeFailure] = [
            .malformedStatusLine(""), .malformedHeaderLine(""), .responseHeadTooLarge(limit: 0),
            .upgradeHeaderMissingOrInvalid(nil), .connectionHeaderMissingOrInvalid(nil), .acceptMissing,
            .acceptMismatch(expected: "", received: ""), .subprotocolNotOffered(""), .multipleSubprotocols(""),
            .extensionNotOffered(""), .connectionClosedDuringHandshake(bytesReceived: 0),
            .malformedExtensionHeader(""), .multipleExtensionsAccepted(count: 0), .extensionParameterUnknown(""),
            .extensionParameterRepeated(""), .extensionParameterInvalid("", value: nil),
            .extensionParameterNotOffered(""), .extensionParameterMissing(""), .compressionUnavailable(""),
        ]
        guard let shape = shapes.first(where: { $0.name == name }) else {
            throw Unreadable(description: "unknown handshake failure \(name)")
        }
        switch shape {
        case .malformedStatusLine: return .malformedStatusLine(try fields.text("text"))
        case .malformedHeaderLine: return .malformedHeaderLine(try fields.text("text"))
        case .responseHeadTooLarge: return .responseHeadTooLarge(limit: try fields.integer("n"))
        case .upgradeHeaderMissingOrInvalid: return .upgradeHeaderMissingOrInvalid(text)
        case .connectionHeaderMissingOrInvalid: return .connectionHeaderMissingOrInvalid(text)
        case .acceptMissing: return .acceptMissing
        case .acceptMismatch:
            return .acceptMismatch(expected: try fields.text("text"), received: try fields.text("detail"))
        case .subprotocolNotOffered: return .subprotocolNotOffered(try fields.text("text"))
        case .multipleSubprotocols: return .multipleSubprotocols(try fields.text("text"))
        case .extensionNotOffered: return .extensionNotOffered(try fields.text("text"))
        case .malformedExtensionHeader: return .malformedExtensionHeader(try fields.text("text"))
        case .multipleExtensionsAccepted: return .multipleExtensionsAccepted(count: try fields.integer("n"))
        case .extensionParameterUnknown: return .extensionParameterUnknown(try fields.text("text"))
        case .extensionParameterRepeated: return .extensionParameterRepeated(try fields.text("text"))
        case .extensionParameterInvalid:
            return .extensionParameterInvalid(try fields.text("text"), value: fields.optionalText("detail"))
        case .extensionParameterNotOffered: return .extensionParameterNotOffered(try fields.text("text"))
        case .extensionParameterMissing: return .extensionParameterMissing(try fields.text("text"))
        case .compressionUnavailable: return .compressionUnavailable(try fields.text("text"))
        case .connectionClosedDuringHandshake:
            return .connectionClosedDuringHandshake(bytesReceived: try fields.integer("n"))
        }
    }

    static func encode(_ rejection: HandshakeRejection) -> JSONObject {
        var json = JSONObject()
        json.add("status", rejection.statusCode)
        json.add("reason_phrase", rejection.reasonPhrase)
        json.add("headers", pairs: RecordHeaders.redacted(rejection.headers))
        switch rejection.retryAfter {
        case .seconds(let seconds)?: json.add("retry_after_s", seconds)
        case .date(let date)?: json.add("retry_after_date", Int(date))
        case nil: break
        }
        json.add("body_hex", Hex.encode(rejection.bodyPreview))
        json.add("body_truncated", rejection.bodyTruncated)
        return json
    }

    static func rejection(_ fields: RecordFields) throws -> HandshakeRejection {
        var retryAfter: RetryAfter?
        if let seconds = fields.optionalInteger("retry_after_s") { retryAfter = .seconds(seconds) }
        if let date = fields.optionalInteger("retry_after_date") { retryAfter = .date(secondsSince1970: Int64(date)) }
        return HandshakeRejection(
            statusCode: try fields.integer("status"),
            reasonPhrase: try fields.text("reason_phrase"),
            headers: try fields.headers("headers"),
            retryAfter: retryAfter,
            bodyPreview: try Hex.decode(try fields.text("body_hex")),
            bodyTruncated: fields.optionalBool("body_truncated") ?? false
        )
    }

    // MARK: Connect errors

    static func encode(_ error: ConnectError) -> JSONObject {
        var json = JSONObject()
        json.add("case", error.name)
        switch error {
        case .dnsFailure(let host, let detail), .networkUnreachable(let host, let detail):
            json.add("text", host)
            json.add("detail", detail)
        case .connectionRefused(let address): json.add("text", address)
        case .tlsFailure(let failure): json.add("tls", object: self.encode(failure))
        case .openTimeout(let phase, let limit):
            json.add("text", phase.rawValue)
            json.add("n", limit.nanoseconds)
        case .proxyFailure(let detail), .connectionLost(let detail), .cancelled(let detail):
            json.add("detail", detail)
        case .handshakeRejected(let rejection): json.add("rejection", object: self.encode(rejection))
        case .handshakeFailed(let failure): json.add("failure", object: self.encode(failure))
        case .tcpConnectTimeout: break
        }
        return json
    }

    static func connectError(_ fields: RecordFields) throws -> ConnectError {
        switch try fields.text("case") {
        case "dns_failure": return .dnsFailure(host: try fields.text("text"), detail: try fields.text("detail"))
        case "connection_refused": return .connectionRefused(address: try fields.text("text"))
        case "network_unreachable":
            return .networkUnreachable(address: try fields.text("text"), detail: try fields.text("detail"))
        case "tcp_connect_timeout": return .tcpConnectTimeout
        case "tls_failure": return .tlsFailure(try self.tlsFailure(try fields.object("tls")))
        case "proxy_failure": return .proxyFailure(detail: try fields.text("detail"))
        case "handshake_rejected": return .handshakeRejected(try self.rejection(try fields.object("rejection")))
        case "handshake_failed": return .handshakeFailed(try self.handshakeFailure(try fields.object("failure")))
        case "open_timeout":
            guard let phase = HandshakePhase(rawValue: try fields.text("text")) else {
                throw Unreadable(description: "unknown connect phase")
            }
            return .openTimeout(phase: phase, limit: .nanoseconds(try fields.integer("n")))
        case "connection_lost": return .connectionLost(detail: try fields.text("detail"))
        case "cancelled": return .cancelled(reason: try fields.text("detail"))
        case let other: throw Unreadable(description: "unknown connect error \(other)")
        }
    }

    // MARK: TLS failures

    static func encode(_ failure: TLSFailure) -> JSONObject {
        var json = JSONObject()
        json.add("case", failure.name)
        switch failure {
        case .certificateExpired(let subject, let other), .certificateNotYetValid(let subject, let other),
            .untrustedIssuer(let subject, let other):
            json.add("text", subject)
            json.add("detail", other)
        case .selfSigned(let subject): json.add("text", subject)
        case .nameMismatch(let asked, let names):
            json.add("text", asked)
            json.add("detail", names.joined(separator: "\n"))
        case .alert(let text), .other(let text): json.add("text", text)
        case .closedAfterHandshake: break
        }
        return json
    }

    static func tlsFailure(_ fields: RecordFields) throws -> TLSFailure {
        switch try fields.text("case") {
        case "certificate_expired":
            return .certificateExpired(subject: try fields.text("text"), on: try fields.text("detail"))
        case "certificate_not_yet_valid":
            return .certificateNotYetValid(subject: try fields.text("text"), until: try fields.text("detail"))
        case "self_signed_certificate": return .selfSigned(subject: try fields.text("text"))
        case "untrusted_issuer":
            return .untrustedIssuer(subject: try fields.text("text"), issuer: try fields.text("detail"))
        case "name_mismatch":
            let names = try fields.text("detail")
            return .nameMismatch(
                asked: try fields.text("text"),
                names: names.isEmpty
                    ? [] : names.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            )
        case "alert": return .alert(try fields.text("text"))
        case "closed_after_handshake": return .closedAfterHandshake
        case "other": return .other(try fields.text("text"))
        case let other: throw Unreadable(description: "unknown TLS failure \(other)")
        }
    }

    // MARK: Connection failures (a closed connection's)

    static func encode(_ failure: ConnectionFailure) -> JSONObject {
        var json = JSONObject()
        switch failure {
        case .peerViolation(let violation):
            json.add("case", "peer_violation")
            json.add("violation", object: self.encode(violation))
        case .local(let code, let reason):
            json.add("case", "local")
            json.add("n", Int(code.rawValue))
            json.add("detail", reason)
        case .handshakeRejected(let rejection):
            json.add("case", "handshake_rejected")
            json.add("rejection", object: self.encode(rejection))
        case .handshakeFailed(let failure):
            json.add("case", "handshake_failed")
            json.add("failure", object: self.encode(failure))
        case .aborted(let reason):
            json.add("case", "aborted")
            json.add("detail", reason)
        }
        return json
    }

    static func connectionFailure(_ fields: RecordFields) throws -> ConnectionFailure {
        switch try fields.text("case") {
        case "peer_violation": return .peerViolation(try self.violation(try fields.object("violation")))
        case "local":
            return .local(code: CloseCode(UInt16(clamping: try fields.integer("n"))), reason: try fields.text("detail"))
        case "handshake_rejected": return .handshakeRejected(try self.rejection(try fields.object("rejection")))
        case "handshake_failed": return .handshakeFailed(try self.handshakeFailure(try fields.object("failure")))
        case "aborted": return .aborted(reason: try fields.text("detail"))
        case let other: throw Unreadable(description: "unknown connection failure \(other)")
        }
    }

    // MARK: Stop reasons and refused commands

    static func encode(_ reason: StopReason) -> JSONObject {
        var json = JSONObject()
        switch reason {
        case .userClosed: json.add("case", "user_closed")
        case .reconnectDisabled: json.add("case", "reconnect_disabled")
        case .stopCode(let code):
            json.add("case", "stop_code")
            json.add("n", Int(code))
        case .attemptsExhausted(let count):
            json.add("case", "attempts_exhausted")
            json.add("n", count)
        case .invalidOptions(let detail):
            json.add("case", "invalid_options")
            json.add("detail", detail)
        case .runEnded(let detail):
            json.add("case", "run_ended")
            json.add("detail", detail)
        }
        return json
    }

    static func stopReason(_ fields: RecordFields) throws -> StopReason {
        switch try fields.text("case") {
        case "user_closed": return .userClosed
        case "reconnect_disabled": return .reconnectDisabled
        case "stop_code": return .stopCode(UInt16(clamping: try fields.integer("n")))
        case "attempts_exhausted": return .attemptsExhausted(try fields.integer("n"))
        case "invalid_options": return .invalidOptions(try fields.text("detail"))
        case "run_ended": return .runEnded(try fields.text("detail"))
        case let other: throw Unreadable(description: "unknown stop reason \(other)")
        }
    }

    static func encode(_ error: UsageError) -> JSONObject {
        var json = JSONObject()
        switch error {
        case .notOpenYet: json.add("case", "not_open_yet")
        case .closeAlreadySent(let state):
            json.add("case", "close_already_sent")
            json.add("text", state.description)
        case .peerClosed: json.add("case", "peer_closed")
        case .invalidCloseCode(let code):
            json.add("case", "invalid_close_code")
            json.add("n", Int(code))
        case .closeReasonTooLong(let count):
            json.add("case", "close_reason_too_long")
            json.add("n", count)
        case .controlPayloadTooLong(let count):
            json.add("case", "control_payload_too_long")
            json.add("n", count)
        case .fragmentedMessageInProgress: json.add("case", "fragmented_message_in_progress")
        case .noFragmentedMessageInProgress: json.add("case", "no_fragmented_message_in_progress")
        }
        return json
    }

    static func usageError(_ fields: RecordFields) throws -> UsageError {
        switch try fields.text("case") {
        case "not_open_yet": return .notOpenYet
        case "close_already_sent": return .closeAlreadySent(try self.connectionState(try fields.text("text")))
        case "peer_closed": return .peerClosed
        case "invalid_close_code": return .invalidCloseCode(UInt16(clamping: try fields.integer("n")))
        case "close_reason_too_long": return .closeReasonTooLong(byteCount: try fields.integer("n"))
        case "control_payload_too_long": return .controlPayloadTooLong(byteCount: try fields.integer("n"))
        case "fragmented_message_in_progress": return .fragmentedMessageInProgress
        case "no_fragmented_message_in_progress": return .noFragmentedMessageInProgress
        case let other: throw Unreadable(description: "unknown refusal \(other)")
        }
    }

    static func connectionState(_ text: String) throws -> ConnectionState {
        guard let state = ConnectionState.allCases.first(where: { $0.description == text }) else {
            throw Unreadable(description: "unknown connection state \(text)")
        }
        return state
    }
}

/// Header fields as a record keeps them: secrets redacted (unless --show-secrets), as the
/// dashboard shows them.
enum RecordHeaders {
    static func redacted(_ headers: HTTPHeaders, by redaction: Redaction = Redaction()) -> [(String, String)] {
        redaction.headers(headers.fields).map { ($0.name, $0.value) }
    }
}

/// Lowercase hex, for bytes in a record.
enum Hex {
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw RecordedValues.Unreadable(description: "odd hex length") }
        func nibble(_ byte: UInt8) throws -> UInt8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: throw RecordedValues.Unreadable(description: "not hex")
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            bytes.append(try nibble(utf8[index]) << 4 | nibble(utf8[index + 1]))
            index += 2
        }
        return bytes
    }
}
