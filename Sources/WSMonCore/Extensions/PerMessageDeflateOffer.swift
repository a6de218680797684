/// What we offer in `Sec-WebSocket-Extensions` (RFC 7692 §7.1). The default is
/// `permessage-deflate; client_max_window_bits`: we accept any window the server asks us to
/// compress with, and ask nothing of it.
public struct PerMessageDeflateOffer: Hashable, Sendable {
    /// Ask the server to start each message it sends from an empty window (§7.1.1.1).
    public var serverNoContextTakeover = false
    /// Tell the server we start each message we send from an empty window (§7.1.1.2).
    public var clientNoContextTakeover = false
    /// Ask the server to compress with at most this window, 8–15 bits (§7.1.2.1).
    public var serverMaxWindowBits: Int?
    /// Offer `client_max_window_bits` (§7.1.2.2): without a value the server may pick any
    /// window for us; with one, at most that.
    public var clientMaxWindowBits: ClientWindowBits = .anyValue

    public enum ClientWindowBits: Hashable, Sendable {
        /// The parameter is not offered: the server may not limit our window.
        case notOffered
        /// `client_max_window_bits` without a value.
        case anyValue
        /// `client_max_window_bits=N`.
        case atMost(Int)
    }

    /// Window sizes RFC 7692 §7.1.2 allows, in bits.
    public static let windowBitsRange = 8...15

    public init() {}

    /// The header value, parameters in the RFC's order.
    public var headerValue: String {
        var parts = [PerMessageDeflateParameters.extensionName]
        if self.serverNoContextTakeover { parts.append("server_no_context_takeover") }
        if self.clientNoContextTakeover { parts.append("client_no_context_takeover") }
        if let bits = self.serverMaxWindowBits { parts.append("server_max_window_bits=\(bits)") }
        switch self.clientMaxWindowBits {
        case .notOffered: break
        case .anyValue: parts.append("client_max_window_bits")
        case .atMost(let bits): parts.append("client_max_window_bits=\(bits)")
        }
        return parts.joined(separator: "; ")
    }
}
