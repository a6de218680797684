/// A `ws://` or `wss://` URL (RFC 6455 §3), parsed into what the handshake and the
/// transport need. Fragments are refused, as §3 requires.
public struct WebSocketURL: Hashable, Sendable, CustomStringConvertible {
    public var isSecure: Bool
    /// The host as written, without brackets for an IPv6 literal.
    public var host: String
    public var port: Int
    /// Path and query, as sent in the request line ("/" when the URL has none).
    public var resource: String

    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        case unsupportedScheme(String)
        case missingHost
        case invalidPort(String)
        case fragmentNotAllowed
        case invalidCharacter(Character)
        case userInfoNotAllowed

        public var description: String {
            switch self {
            case .unsupportedScheme(let scheme): return "unsupported scheme '\(scheme)': use ws:// or wss://"
            case .missingHost: return "the URL has no host"
            case .invalidPort(let port): return "invalid port '\(port)'"
            case .fragmentNotAllowed: return "a WebSocket URL must not have a #fragment (RFC 6455 §3)"
            case .invalidCharacter(let character): return "invalid character \(character.debugDescription) in URL"
            case .userInfoNotAllowed: return "user:password@ is not allowed in a WebSocket URL"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        for character in text where character.isWhitespace || (character.asciiValue.map { $0 < 0x20 } ?? false) {
            throw .invalidCharacter(character)
        }
        guard let schemeEnd = text.range(of: "://") else { throw .unsupportedScheme(text) }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "ws": self.isSecure = false
        case "wss": self.isSecure = true
        default: throw .unsupportedScheme(scheme)
        }
        var rest = text[schemeEnd.upperBound...]
        if rest.contains("#") { throw .fragmentNotAllowed }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        if authority.contains("@") { throw .userInfoNotAllowed }

        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .missingHost }
            self.host = String(authority[authority.index(after: authority.startIndex)..<close])
            let afterHost = authority[authority.index(after: close)...]
            if afterHost.hasPrefix(":") {
                portText = afterHost.dropFirst()
            } else if !afterHost.isEmpty {
                throw .invalidPort(String(afterHost))
            }
        } else if let colon = authority.lastIndex(of: ":") {
            self.host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            self.host = String(authority)
        }
        guard !self.host.isEmpty else { throw .missingHost }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else { throw .invalidPort(String(portText)) }
            self.port = port
        } else {
            self.port = self.isSecure ? 443 : 80
        }
        self.resource = rest.isEmpty ? "/" : (rest.hasPrefix("?") ? "/" + rest : String(rest))
    }

    public var isDefaultPort: Bool { self.port == (self.isSecure ? 443 : 80) }

    /// The host as it appears in a URL or a Host header: IPv6 literals in brackets.
    public var hostForHeader: String { self.host.utf8.contains(UInt8(ascii: ":")) ? "[\(self.host)]" : self.host }

    /// The Host header value: the port only when it is not the scheme's default (§4.1).
    public var hostHeader: String { self.isDefaultPort ? self.hostForHeader : "\(self.hostForHeader):\(self.port)" }

    public var description: String {
        "\(self.isSecure ? "wss" : "ws")://\(self.hostHeader)\(self.resource)"
    }
}
