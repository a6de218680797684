/// What a server accepted of our permessage-deflate offer: the parameters both sides use
/// for the rest of the connection (RFC 7692 §7.1), and the response's parameters as sent,
/// for showing them one by one.
public struct PerMessageDeflateParameters: Hashable, Sendable {
    public static let extensionName = "permessage-deflate"

    /// The server starts every message from an empty window; our inflater forgets between
    /// messages.
    public var serverNoContextTakeover = false
    /// We start every message we send from an empty window.
    public var clientNoContextTakeover = false
    /// The largest window the server compresses with (15 when it did not say).
    public var serverMaxWindowBits = 15
    /// The largest window we may compress with (15 when the server did not say).
    public var clientMaxWindowBits = 15
    /// The response's parameters in the order received, values as sent (nil for a bare name).
    public var accepted: [ExtensionParameter] = []

    public init() {}

    /// `permessage-deflate; server_no_context_takeover; …` as the server sent it.
    public var headerValue: String {
        ([Self.extensionName] + self.accepted.map(\.description)).joined(separator: "; ")
    }
}

/// One `name` or `name=value` of an extension in `Sec-WebSocket-Extensions`.
public struct ExtensionParameter: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// The value with any quotes removed; nil when the parameter has none.
    public var value: String?

    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    public var description: String { self.value.map { "\(self.name)=\($0)" } ?? self.name }
}
