import WSMonCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything one session needs to connect, stay alive and reconnect.
public struct SessionOptions: Sendable {
    public var url: WebSocketURL
    /// A name to show; defaults to the URL.
    public var name: String
    public var connection = ConnectionOptions()
    public var tls = TLSOptions()
    /// An HTTP proxy to tunnel through with CONNECT. nil: taken from https_proxy / HTTPS_PROXY
    /// (http_proxy for ws://) unless NO_PROXY or a loopback host says otherwise.
    public var proxy: ProxyOptions?
    public var useProxyEnvironment = true
    /// TCP + TLS + upgrade must finish within this.
    public var openTimeout: Duration = .seconds(10)
    /// A close handshake that has not finished by then is ended by closing TCP.
    public var closeTimeout: Duration = .seconds(10)
    /// After both Close frames, how long the server gets to close TCP first (§7.1.1).
    public var transportCloseGrace: Duration = .seconds(2)
    /// Ping this often while open (nil: no keepalive).
    public var pingInterval: Duration? = .seconds(20)
    /// Fail the connection (1011) when a ping is not answered within this.
    public var pongTimeout: Duration = .seconds(20)
    public var reconnect = ReconnectPolicy()
    /// Sent after the first successful open.
    public var messagesOnOpen: [OutgoingMessage] = []
    /// Sent after each reopen; nil means "the open messages again".
    public var messagesOnReconnect: [OutgoingMessage]?
    /// An application-level message sent at an interval while open (feeds that want
    /// `{"type":"PING"}`).
    public var intervalMessage: (message: OutgoingMessage, every: Duration)?

    public init(url: WebSocketURL, name: String? = nil) {
        self.url = url
        self.name = name ?? url.description
    }
}

public enum OutgoingMessage: Hashable, Sendable {
    case text(String)
    case binary([UInt8])
}

public struct TLSOptions: Hashable, Sendable {
    /// PEM file of extra trusted roots; nil: the system's trust store.
    public var caFile: String?
    /// Skip certificate verification. Shown as such by the session; never the default.
    public var insecure = false
    /// A client certificate (PEM, the chain after the leaf) and its private key (PEM), for
    /// servers that ask for one (mutual TLS). Both or neither.
    public var certFile: String?
    public var keyFile: String?
    /// Where TLS secrets are appended in the NSS key log format, so that a capture of the
    /// session can be decrypted (Wireshark); the default is `SSLKEYLOGFILE`, as in browsers.
    public var keyLogFile: String? = TLSOptions.environmentKeyLogFile

    public init() {}

    static let environmentKeyLogFile: String? = {
        guard let value = getenv("SSLKEYLOGFILE") else { return nil }
        let path = String(cString: value)
        return path.isEmpty ? nil : path
    }()

    /// Builds (once per distinct options) what TLS connections with these options share, so
    /// a bad certificate, key or CA file is reported before any session starts.
    public func prepare() throws(TLSSetupError) {
        _ = try TLSContextCache.shared.context(for: self)
    }
}

public struct ProxyOptions: Hashable, Sendable {
    public var host: String
    public var port: Int
    /// Sent as Proxy-Authorization (never printed).
    public var authorization: String?

    public init(host: String, port: Int, authorization: String? = nil) {
        self.host = host
        self.port = port
        self.authorization = authorization
    }
}
