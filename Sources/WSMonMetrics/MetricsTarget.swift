import WSMonCore

/// The `target` label of a session: its name, or, for a session named by its URL (the
/// default), the URL without its query: `ws://host:port/path`. A query can hold tokens, and
/// a label goes to every Prometheus that scrapes us.
public enum MetricsTarget {
    public static func label(name: String, url: WebSocketURL) -> String {
        guard name == url.description else { return name }
        let path = url.resource.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return "\(url.isSecure ? "wss" : "ws")://\(url.hostHeader)\(path)"
    }
}
