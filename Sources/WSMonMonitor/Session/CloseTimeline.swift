import WSMonClient
import WSMonCore

/// The close handshake of one connection, step by step with times: what a close inspector
/// shows. Steps start when the handshake starts (a Close sent or received, a failure) and
/// end with the TCP connection.
public struct CloseTimeline: Hashable, Sendable {
    public struct Step: Hashable, Sendable {
        /// Seconds since 1970.
        public var time: Double
        public var kind: Kind

        public init(time: Double, kind: Kind) {
            self.time = time
            self.kind = kind
        }
    }

    public enum Kind: Hashable, Sendable {
        case closeSent(code: UInt16?, reason: String)
        case closeReceived(code: UInt16?, reason: String)
        /// The connection entered closing, half-closed or closed-awaiting-transport.
        case entered(SessionState)
        case violation(name: String, detail: String)
        case partialMessageDiscarded(bytes: UInt64)
        case closeTimeoutFired(in: String)
        case transportClosed(byPeer: Bool)
    }

    public var connection: Int
    /// When the connection opened (seconds since 1970).
    public var openedAt: Double?
    public var steps: [Step] = []
    /// The core's verdict, once TCP is closed.
    public var summary: CloseSummary?
    public var transportError: String?
    /// Why it ended, in plain words (see `CloseCause`), and what the facts suggest.
    public var cause: CloseCause?
    public var hint: String?

    public init(connection: Int, openedAt: Double?) {
        self.connection = connection
        self.openedAt = openedAt
    }

    public var isFinished: Bool { self.summary != nil }
}

/// One entry of a session's reconnect history.
public struct ReconnectEntry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case attempt(Int)
        case opened(isReconnect: Bool)
        case failed(name: String, detail: String, status: Int?)
        case closed(code: UInt16, reason: String, clean: Bool)
        /// Seconds of delay; Retry-After in seconds when the server asked for one.
        case scheduled(delay: Double, attempt: Int, retryAfter: Double?)
        case stopped(String)
    }

    public var time: Double
    public var connection: Int
    public var kind: Kind

    public init(time: Double, connection: Int, kind: Kind) {
        self.time = time
        self.connection = connection
        self.kind = kind
    }
}

/// A handshake request or response as shown: status line and headers, secrets redacted.
public struct HeaderBlock: Hashable, Sendable {
    public var firstLine: String
    public var headers: [HTTPHeaders.Field]
    /// The start of a rejection's body (a 401's "missing bearer token"), as received.
    public var body: [UInt8]
    public var bodyTruncated: Bool

    public init(
        firstLine: String,
        headers: [HTTPHeaders.Field],
        body: [UInt8] = [],
        bodyTruncated: Bool = false,
        redaction: Redaction = Redaction()
    ) {
        self.firstLine = redaction.text(firstLine)
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.headers = redaction.headers(headers)
    }
}
