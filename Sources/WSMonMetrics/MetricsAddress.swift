/// Where `--metrics` listens: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` for every address.
public struct MetricsAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// Parses `text`, or says what is wrong with it.
    public static func parse(_ text: String) -> Result<MetricsAddress, Problem> {
        guard let colon = text.lastIndex(of: ":") else {
            return .failure(Problem("must be HOST:PORT, e.g. 127.0.0.1:9464"))
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else {
            return .failure(Problem("the port must be a number from 0 to 65535"))
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return .failure(Problem("write an IPv6 address in brackets, e.g. [::1]:9464"))
        }
        if host.isEmpty { host = "0.0.0.0" }
        return .success(MetricsAddress(host: host, port: port))
    }

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
