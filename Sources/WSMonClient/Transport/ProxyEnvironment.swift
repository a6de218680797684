import FoundationEssentials
import WSMonCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxy the usual environment variables ask for: `https_proxy`/`HTTPS_PROXY` for
/// wss://, `http_proxy`/`HTTP_PROXY` for ws://, skipped for hosts in `no_proxy`/`NO_PROXY`
/// and always for loopback.
enum ProxyEnvironment {
    static func proxy(for url: WebSocketURL, environment: [String: String] = Self.current) -> ProxyOptions? {
        if self.isLoopback(url.host) { return nil }
        let names = url.isSecure ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"]
        guard let value = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { return nil }
        let noProxy = (environment["no_proxy"] ?? environment["NO_PROXY"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let host = url.host.lowercased()
        for entry in noProxy where !entry.isEmpty {
            if entry == "*" || host == entry || host.hasSuffix(entry.hasPrefix(".") ? entry : "." + entry) {
                return nil
            }
        }
        return self.parse(value)
    }

    /// Parses "http://[user:password@]host[:port]" (scheme optional).
    static func parse(_ value: String) -> ProxyOptions? {
        var rest = Substring(value)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var authorization: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at].removingPercentEncoding ?? String(rest[..<at])
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
            rest = rest[rest.index(after: at)...]
        }
        guard let url = try? WebSocketURL(parsing: "ws://\(rest)/") else { return nil }
        let port = rest.contains(where: { $0 == ":" }) && !rest.hasSuffix("]") ? url.port : 3128
        return ProxyOptions(host: url.host, port: port, authorization: authorization)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    static var current: [String: String] {
        var values: [String: String] = [:]
        for name in ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"] {
            if let value = getenv(name) { values[name] = String(cString: value) }
        }
        return values
    }
}

extension ProxyOptions {
    /// Parses a proxy given as "http://[user:password@]host[:port]" (scheme optional;
    /// port 3128 when none is given).
    public init?(parsing value: String) {
        guard let proxy = ProxyEnvironment.parse(value) else { return nil }
        self = proxy
    }
}
