/// A 101 response that passed every check of RFC 6455 §4.1.
public struct HandshakeResponse: Hashable, Sendable {
    public var statusCode: Int
    public var reasonPhrase: String
    public var headers: HTTPHeaders
    /// The subprotocol the server selected among those offered, if any.
    public var subprotocol: String?
    /// What the server accepted of our permessage-deflate offer; nil: no compression.
    public var deflate: PerMessageDeflateParameters?

    public init(
        statusCode: Int,
        reasonPhrase: String,
        headers: HTTPHeaders,
        subprotocol: String?,
        deflate: PerMessageDeflateParameters? = nil
    ) {
        self.statusCode = statusCode
        self.reasonPhrase = reasonPhrase
        self.headers = headers
        self.subprotocol = subprotocol
        self.deflate = deflate
    }
}

/// The server answered with something other than 101: an HTTP error the session can act on
/// (Retry-After on 429/503, authentication on 401).
public struct HandshakeRejection: Hashable, Sendable, CustomStringConvertible {
    /// How much of the body a rejection keeps.
    public static let bodyPreviewLimit = 1024

    public var statusCode: Int
    public var reasonPhrase: String
    public var headers: HTTPHeaders
    public var retryAfter: RetryAfter?
    /// The start of the body (at most `bodyPreviewLimit` bytes), chunked encoding removed.
    public var bodyPreview: [UInt8]
    public var bodyTruncated: Bool

    public init(
        statusCode: Int,
        reasonPhrase: String,
        headers: HTTPHeaders,
        retryAfter: RetryAfter?,
        bodyPreview: [UInt8],
        bodyTruncated: Bool
    ) {
        self.statusCode = statusCode
        self.reasonPhrase = reasonPhrase
        self.headers = headers
        self.retryAfter = retryAfter
        self.bodyPreview = bodyPreview
        self.bodyTruncated = bodyTruncated
    }

    /// Where a redirect points (3xx `Location`), as sent.
    public var location: String? { self.headers.first("Location") }

    /// The body's text when it is UTF-8 (a 401's "missing bearer token", a 503's JSON
    /// error), whitespace at its ends trimmed; nil when empty or not text.
    public var bodyText: String? {
        guard let text = String(validating: self.bodyPreview, as: UTF8.self) else { return nil }
        let trimmed = text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
        return trimmed.isEmpty ? nil : String(trimmed) + (self.bodyTruncated ? "…" : "")
    }

    /// "HTTP 401 Unauthorized: missing bearer token" or "HTTP 302 Found, Location /login":
    /// what a person needs to know, with the body's first line.
    public var description: String {
        var text = "HTTP \(self.statusCode) \(self.reasonPhrase)"
        if let location = self.location { text += ", Location \(location)" }
        switch self.retryAfter {
        case .seconds(let seconds): text += ", Retry-After \(seconds) s"
        case .date(let date): text += ", Retry-After at \(date) (Unix time)"
        case nil: break
        }
        if let body = self.bodyText {
            let firstLine = body.prefix { $0 != "\n" && $0 != "\r" }
            let shown = firstLine.count > 120 ? firstLine.prefix(120) + "…" : firstLine
            text += ": " + shown
        }
        return text
    }
}

/// Why a response could not complete the handshake, other than a plain HTTP rejection.
public enum HandshakeFailure: Error, Hashable, Sendable, CustomStringConvertible {
    case malformedStatusLine(String)
    case malformedHeaderLine(String)
    case responseHeadTooLarge(limit: Int)
    case upgradeHeaderMissingOrInvalid(String?)
    case connectionHeaderMissingOrInvalid(String?)
    case acceptMissing
    case acceptMismatch(expected: String, received: String)
    case subprotocolNotOffered(String)
    case multipleSubprotocols(String)
    case extensionNotOffered(String)
    /// RFC 7692 §7.1 and RFC 6455 §9.1: each way a server's answer to our
    /// permessage-deflate offer can be wrong.
    case malformedExtensionHeader(String)
    case multipleExtensionsAccepted(count: Int)
    case extensionParameterUnknown(String)
    case extensionParameterRepeated(String)
    case extensionParameterInvalid(String, value: String?)
    case extensionParameterNotOffered(String)
    case extensionParameterMissing(String)
    /// The compression library could not work with the agreed parameters.
    case compressionUnavailable(String)
    case connectionClosedDuringHandshake(bytesReceived: Int)

    public var name: String {
        switch self {
        case .malformedStatusLine: return "malformed_status_line"
        case .malformedHeaderLine: return "malformed_header_line"
        case .responseHeadTooLarge: return "response_head_too_large"
        case .upgradeHeaderMissingOrInvalid: return "invalid_upgrade_header"
        case .connectionHeaderMissingOrInvalid: return "invalid_connection_header"
        case .acceptMissing: return "accept_missing"
        case .acceptMismatch: return "accept_mismatch"
        case .subprotocolNotOffered: return "subprotocol_not_offered"
        case .multipleSubprotocols: return "multiple_subprotocols"
        case .extensionNotOffered: return "extension_not_offered"
        case .malformedExtensionHeader: return "malformed_extension_header"
        case .multipleExtensionsAccepted: return "multiple_extensions_accepted"
        case .extensionParameterUnknown: return "extension_parameter_unknown"
        case .extensionParameterRepeated: return "extension_parameter_repeated"
        case .extensionParameterInvalid: return "extension_parameter_invalid"
        case .extensionParameterNotOffered: return "extension_parameter_not_offered"
        case .extensionParameterMissing: return "extension_parameter_missing"
        case .compressionUnavailable: return "compression_unavailable"
        case .connectionClosedDuringHandshake: return "closed_during_handshake"
        }
    }

    public var description: String {
        switch self {
        case .malformedStatusLine(let line): return "malformed status line \(line.debugDescription)"
        case .malformedHeaderLine(let line): return "malformed header line \(line.debugDescription)"
        case .responseHeadTooLarge(let limit): return "response head larger than \(limit) bytes"
        case .upgradeHeaderMissingOrInvalid(let value):
            return "Upgrade header is \(value.map { "'\($0)'" } ?? "missing"), expected 'websocket'"
        case .connectionHeaderMissingOrInvalid(let value):
            return "Connection header is \(value.map { "'\($0)'" } ?? "missing"), expected 'Upgrade'"
        case .acceptMissing: return "Sec-WebSocket-Accept header missing"
        case .acceptMismatch(let expected, let received):
            return "Sec-WebSocket-Accept is '\(received)', expected '\(expected)'"
        case .subprotocolNotOffered(let name): return "server selected subprotocol '\(name)', which was not offered"
        case .multipleSubprotocols(let value): return "server selected more than one subprotocol: '\(value)'"
        case .extensionNotOffered(let value): return "server enabled extension '\(value)', which was not offered"
        case .malformedExtensionHeader(let value): return "malformed Sec-WebSocket-Extensions '\(value)'"
        case .multipleExtensionsAccepted(let count):
            return "server accepted permessage-deflate \(count) times; one was offered (RFC 7692 §7.1)"
        case .extensionParameterUnknown(let name):
            return "server answered permessage-deflate with unknown parameter '\(name)' (RFC 7692 §7.1)"
        case .extensionParameterRepeated(let name):
            return "server answered permessage-deflate with '\(name)' more than once (RFC 7692 §7.1)"
        case .extensionParameterInvalid(let name, let value):
            let shown = value.map { "'\($0)'" } ?? "no value"
            return
                "server answered permessage-deflate with \(name) = \(shown), not allowed by our offer (RFC 7692 §7.1.2)"
        case .extensionParameterNotOffered(let name):
            return "server answered permessage-deflate with '\(name)', which we did not offer (RFC 7692 §7.1.2.2)"
        case .extensionParameterMissing(let name):
            return "server accepted permessage-deflate without '\(name)', which we asked for (RFC 7692 §7.1)"
        case .compressionUnavailable(let detail): return "permessage-deflate could not be set up: \(detail)"
        case .connectionClosedDuringHandshake(let count):
            return "connection closed during the handshake after \(count) bytes of response"
        }
    }
}
