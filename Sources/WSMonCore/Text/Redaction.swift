/// What wsmon hides wherever it shows or writes headers, URLs and errors: one rule, not a
/// list of known names.
///
/// - A header whose name contains auth, token, key, secret, session, cookie or password
///   (any case) has its value hidden; an Authorization value keeps its scheme word
///   ("Bearer [redacted]"). `Sec-WebSocket-Key` is the exception: RFC 6455's nonce, public
///   by design and needed to read a handshake.
/// - `user:pass@` in a URL: the password (or a userinfo without one, often a token) is hidden.
/// - A query parameter whose name matches the header rule has its value hidden.
///
/// `showSecrets` (`--show-secrets`) turns all of it off.
public struct Redaction: Hashable, Sendable {
    public var showSecrets: Bool

    public init(showSecrets: Bool = false) {
        self.showSecrets = showSecrets
    }

    /// What a hidden value is replaced with.
    public static let mark = "[redacted]"

    static let secretWords = ["auth", "token", "key", "secret", "session", "cookie", "password"]

    /// Whether a header or query parameter of this name carries a secret, by the rule above.
    public static func isSecretName(_ name: some StringProtocol) -> Bool {
        let lowered = String(name).lowercasedASCII
        guard lowered != "sec-websocket-key" else { return false }
        return self.secretWords.contains { lowered.contains($0) }
    }

    /// A header's value as shown.
    public func header(name: String, value: String) -> String {
        guard !self.showSecrets else { return value }
        // Any other header may still quote a URL (Location, Referer).
        guard Self.isSecretName(name) else { return self.text(value) }
        if name.lowercasedASCII.hasSuffix("authorization"), let space = value.firstIndex(of: " ") {
            return "\(value[..<space]) \(Self.mark)"
        }
        return Self.mark
    }

    public func headers(_ fields: [HTTPHeaders.Field]) -> [HTTPHeaders.Field] {
        guard !self.showSecrets else { return fields }
        return fields.map { HTTPHeaders.Field(name: $0.name, value: self.header(name: $0.name, value: $0.value)) }
    }

    /// A URL as shown: its userinfo's password and its secret query values hidden.
    public func url(_ url: String) -> String { self.text(url) }

    /// Any text that may quote URLs (a name, an error, a request line): every URL's
    /// userinfo and every secret `?name=value` / `&name=value` in it are hidden.
    public func text(_ text: String) -> String {
        guard !self.showSecrets, text.contains("@") || text.contains("=") else { return text }
        return Self.hidingQueryValues(in: Self.hidingUserInfo(in: text))
    }

    /// `scheme://user:pass@host` becomes `scheme://user:[redacted]@host`.
    private static func hidingUserInfo(in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            result += rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
            let authorityEnd = rest.firstIndex { "/?#\"' <>".contains($0) || $0.isNewline } ?? rest.endIndex
            guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { continue }
            let userInfo = rest[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                result += userInfo[...colon] + self.mark
            } else {
                result += self.mark
            }
            rest = rest[at...]
        }
        return result + rest
    }

    /// `?token=abc&page=2` becomes `?token=[redacted]&page=2`.
    private static func hidingQueryValues(in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstIndex(where: { $0 == "?" || $0 == "&" }) {
            result += rest[...start]
            rest = rest[rest.index(after: start)...]
            let nameEnd = rest.firstIndex { !($0.isLetter || $0.isNumber || "-_.[]%".contains($0)) } ?? rest.endIndex
            guard nameEnd < rest.endIndex, rest[nameEnd] == "=", self.isSecretName(rest[..<nameEnd]) else { continue }
            result += rest[...nameEnd]
            let valueStart = rest.index(after: nameEnd)
            let valueEnd =
                rest[valueStart...].firstIndex { "&#\"' <>".contains($0) || $0.isNewline } ?? rest.endIndex
            if valueStart < valueEnd { result += self.mark }
            rest = rest[valueEnd...]
        }
        return result + rest
    }
}
