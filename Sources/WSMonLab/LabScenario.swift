/// A behaviour the lab serves, selected by the request path; query parameters tune it.
public struct LabScenario: Hashable, Sendable {
    public var name: String
    /// Path with example parameters, as listed by `wsmon lab`.
    public var example: String
    public var summary: String

    public static let all: [LabScenario] = [
        .init(
            name: "echo",
            example: "/echo",
            summary: "echo every message; ?close-after=S&code=N&reason=R makes the server close"
        ),
        .init(
            name: "feed",
            example: "/feed?rate=10&size=64",
            summary: "a feed of JSON messages at a rate (&count=K to stop)"
        ),
        .init(
            name: "last-message-then-close",
            example: "/last-message-then-close",
            summary: "a message and a Close in one write"
        ),
        .init(
            name: "ignore-close",
            example: "/ignore-close",
            summary: "never answers our Close nor closes TCP (close timeout)"
        ),
        .init(name: "half-close", example: "/half-close?after=0.2", summary: "sends Close, then never closes TCP"),
        .init(name: "double-close", example: "/double-close", summary: "sends two Close frames"),
        .init(name: "drop", example: "/drop?after=0.5", summary: "drops TCP without a Close"),
        .init(
            name: "reject",
            example: "/reject?status=503&retry-after=2",
            summary: "refuses the upgrade (503, 429 or 401)"
        ),
        .init(
            name: "slow-handshake",
            example: "/slow-handshake?delay=2",
            summary: "answers the upgrade late, then echoes (&close-after=S as for echo)"
        ),
        .init(
            name: "flood",
            example: "/flood?size=1024&count=10000",
            summary: "binary messages as fast as TCP takes them (&count=K stops after K)"
        ),
        .init(
            name: "ping-flood",
            example: "/ping-flood?size=16",
            summary: "pings as fast as TCP takes them, never reading (the pongs pile up)"
        ),
        .init(
            name: "violation",
            example: "/violation/masked",
            summary: "one invalid frame: masked, bad-utf8, rsv, close-1005, unknown-opcode, fragmented-ping"
        ),
        .init(
            name: "periodic-drop",
            example: "/periodic-drop?every=2&jitter=1",
            summary: "echo, dropped every few seconds (reconnect storms)"
        ),
        .init(
            name: "silent",
            example: "/silent?pongs=0",
            summary: "open and silent: sends nothing, echoes nothing; pongs=0 leaves pings unanswered (half-open)"
        ),
        .init(
            name: "deflate",
            example: "/deflate/on?rate=5&size=512",
            summary: "permessage-deflate: on, bare, window-8, no-context-takeover (a compressed feed that echoes), "
                + "rsv1-unnegotiated, uncompressed-mid-stream, bomb, corrupt"
        ),
        .init(
            name: "server-close",
            example: "/server-close?code=1011&reason=pong%20timeout&after=1",
            summary: "the server closes with a code"
        ),
    ]
}

/// What a request asks the lab to do.
enum LabBehavior: Equatable {
    case echo(closeAfter: Double?, code: UInt16, reason: String)
    case feed(rate: Double, size: Int, count: Int?)
    case lastMessageThenClose(code: UInt16, reason: String)
    case ignoreClose
    case halfClose(after: Double)
    case doubleClose
    case drop(after: Double, messages: Int)
    case reject(status: Int, retryAfter: String?)
    case flood(size: Int, count: Int?)
    /// Pings as fast as TCP takes them, and nothing read: the client's pongs back up.
    case pingFlood(size: Int)
    case violation(String)
    case periodicDrop(every: Double, jitter: Double)
    /// Sends nothing and echoes nothing; answers pings unless told not to.
    case silent(answersPings: Bool)
    case deflate(DeflateScenario, rate: Double, size: Int)
    case notFound

    /// Parses "/path?query".
    init(uri: String) {
        let (path, query) = LabBehavior.split(uri)
        func number(_ key: String, _ fallback: Double) -> Double { query[key].flatMap(Double.init) ?? fallback }
        func integer(_ key: String, _ fallback: Int) -> Int { query[key].flatMap(Int.init) ?? fallback }
        let code = UInt16(clamping: integer("code", 1000))
        let reason = query["reason"] ?? ""
        switch path {
        case "/echo", "/":
            self = .echo(closeAfter: query["close-after"].flatMap(Double.init), code: code, reason: reason)
        case "/server-close":
            self = .echo(
                closeAfter: number("after", 1),
                code: UInt16(clamping: integer("code", 1011)),
                reason: query["reason"] ?? "server closing"
            )
        case "/feed":
            self = .feed(
                rate: max(0.1, number("rate", 10)),
                size: max(16, integer("size", 64)),
                count: query["count"].flatMap(Int.init)
            )
        case "/last-message-then-close":
            self = .lastMessageThenClose(code: code, reason: query["reason"] ?? "bye")
        case "/ignore-close":
            self = .ignoreClose
        case "/half-close":
            self = .halfClose(after: number("after", 0.2))
        case "/double-close":
            self = .doubleClose
        case "/drop":
            self = .drop(after: number("after", 0.2), messages: integer("messages", 0))
        case "/reject":
            self = .reject(status: integer("status", 503), retryAfter: query["retry-after"])
        case "/slow-handshake":
            self = .echo(closeAfter: query["close-after"].flatMap(Double.init), code: code, reason: reason)
        case "/flood":
            self = .flood(size: max(1, integer("size", 1024)), count: query["count"].flatMap(Int.init))
        case "/ping-flood":
            self = .pingFlood(size: min(125, max(0, integer("size", 16))))
        case "/silent":
            self = .silent(answersPings: query["pongs"] != "0")
        case "/periodic-drop":
            self = .periodicDrop(every: max(0.05, number("every", 2)), jitter: max(0, number("jitter", 0)))
        default:
            if path.hasPrefix("/violation/") {
                self = .violation(String(path.dropFirst("/violation/".count)))
            } else if path.hasPrefix("/deflate/"),
                let scenario = DeflateScenario(rawValue: String(path.dropFirst("/deflate/".count)))
            {
                self = .deflate(scenario, rate: max(0.1, number("rate", 5)), size: max(64, integer("size", 512)))
            } else {
                self = .notFound
            }
        }
    }

    /// Seconds to wait before answering the upgrade (the slow-handshake scenario).
    static func handshakeDelay(uri: String) -> Double? {
        let (path, query) = self.split(uri)
        guard path == "/slow-handshake" else { return nil }
        return query["delay"].flatMap(Double.init) ?? 2
    }

    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = self.percentDecoded(keyValue[0])
                query[key] = keyValue.count == 2 ? self.percentDecoded(keyValue[1]) : ""
            }
        }
        return (String(parts[0]), query)
    }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
