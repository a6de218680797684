import Crypto
import FoundationEssentials

/// The client's opening handshake (RFC 6455 §4.1): the request bytes and what a valid
/// response must prove.
public struct HandshakeRequest: Hashable, Sendable {
    public let url: WebSocketURL
    /// The base64 of 16 fresh random bytes.
    public let key: String
    public let subprotocols: [String]
    /// Every header field sent, in order.
    public let headers: HTTPHeaders

    public enum InvalidHeader: Error, Hashable, Sendable, CustomStringConvertible {
        case invalidName(String)
        case invalidValue(name: String)
        case reserved(String)

        public var description: String {
            switch self {
            case .invalidName(let name): return "invalid header name '\(name)'"
            case .invalidValue(let name): return "header '\(name)' has a value with CR, LF or NUL"
            case .reserved(let name): return "header '\(name)' is set by the WebSocket handshake itself"
            }
        }
    }

    /// Builds the request for `url`. Extra headers may replace User-Agent and Origin but not
    /// the fields the protocol owns (Host, Upgrade, Connection, Sec-WebSocket-*).
    public init(
        url: WebSocketURL,
        origin: String? = nil,
        subprotocols: [String] = [],
        extensions: String? = nil,
        extraHeaders: [(String, String)] = [],
        userAgent: String? = "wsmon",
        random: inout some RandomNumberGenerator
    ) throws(InvalidHeader) {
        // Two draws, not sixteen: a system generator makes one getrandom(2) call a draw.
        let keyWords = (random.next(), random.next())
        self.url = url
        self.key = withUnsafeBytes(of: keyWords) { Data($0).base64EncodedString() }
        self.subprotocols = subprotocols

        for (name, value) in extraHeaders {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else { throw .invalidName(name) }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .invalidValue(name: name)
            }
            guard !Self.reservedNames.contains(name.lowercasedASCII) else { throw .reserved(name) }
        }
        for (index, name) in subprotocols.enumerated() where name.isEmpty || !name.utf8.allSatisfy(Self.isTokenByte) {
            throw .invalidValue(name: "Sec-WebSocket-Protocol[\(index)]")
        }
        if let origin, origin.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
            throw .invalidValue(name: "Origin")
        }

        var headers = HTTPHeaders([
            ("Host", url.hostHeader), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", self.key), ("Sec-WebSocket-Version", "13"),
        ])
        let overridden = Set(extraHeaders.map { $0.0.lowercasedASCII })
        if let origin, !overridden.contains("origin") { headers.add(name: "Origin", value: origin) }
        if !subprotocols.isEmpty {
            headers.add(name: "Sec-WebSocket-Protocol", value: subprotocols.joined(separator: ", "))
        }
        if let extensions { headers.add(name: "Sec-WebSocket-Extensions", value: extensions) }
        if let userAgent, !overridden.contains("user-agent") { headers.add(name: "User-Agent", value: userAgent) }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        self.headers = headers
    }

    /// The request as written to the wire.
    public var bytes: [UInt8] {
        var text = "GET \(self.url.resource) HTTP/1.1\r\n"
        for field in self.headers { text += "\(field.name): \(field.value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// The Sec-WebSocket-Accept a valid response carries: base64(SHA-1(key + GUID)) (§4.2.2).
    public var expectedAccept: String { Self.accept(forKey: self.key) }

    public static func accept(forKey key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }

    /// The fields the handshake owns, lowercased.
    static let reservedNames: Set<String> = [
        "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol",
        "sec-websocket-extensions", "sec-websocket-accept",
    ]

    /// RFC 9110 token characters.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }
}
