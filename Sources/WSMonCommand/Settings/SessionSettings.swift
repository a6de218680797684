import WSMonClient
import WSMonCore

/// How to run one or more sessions, as given on the command line or in a config file.
/// Every field is optional so that a config file's `[defaults]` and a session's own keys
/// can be layered; `makeOptions` turns the result into the client's options.
struct SessionSettings: Sendable, Equatable {
    var name: String?
    var count: Int?
    var headers: [HTTPHeaders.Field] = []
    var subprotocols: [String] = []
    var origin: String?
    var messagesOnOpen: [OutgoingMessage]?
    var messagesOnReconnect: [OutgoingMessage]?
    var intervalMessage: OutgoingMessage?
    var interval: Duration?
    /// `.zero` turns keepalive off.
    var pingInterval: Duration?
    var pongTimeout: Duration?
    var closeTimeout: Duration?
    var openTimeout: Duration?
    var reconnect: Bool?
    var backoffInitial: Duration?
    var backoffMultiplier: Double?
    var backoffCap: Duration?
    var stablePeriod: Duration?
    /// 0: no limit.
    var maxAttempts: Int?
    var stopCodes: [UInt16]?
    var maxMessageSize: Int?
    var caFile: String?
    var insecure: Bool?
    /// Handshakes to one endpoint in parallel, not one at a time (§4.1).
    var parallelHandshakes: Bool?
    var proxy: String?

    /// `self`, with every field `other` sets taken from `other`.
    func overridden(by other: SessionSettings) -> SessionSettings {
        var merged = self
        merged.name = other.name ?? self.name
        merged.count = other.count ?? self.count
        merged.headers = self.headers + other.headers
        merged.subprotocols = other.subprotocols.isEmpty ? self.subprotocols : other.subprotocols
        merged.origin = other.origin ?? self.origin
        merged.messagesOnOpen = other.messagesOnOpen ?? self.messagesOnOpen
        merged.messagesOnReconnect = other.messagesOnReconnect ?? self.messagesOnReconnect
        merged.intervalMessage = other.intervalMessage ?? self.intervalMessage
        merged.interval = other.interval ?? self.interval
        merged.pingInterval = other.pingInterval ?? self.pingInterval
        merged.pongTimeout = other.pongTimeout ?? self.pongTimeout
        merged.closeTimeout = other.closeTimeout ?? self.closeTimeout
        merged.openTimeout = other.openTimeout ?? self.openTimeout
        merged.reconnect = other.reconnect ?? self.reconnect
        merged.backoffInitial = other.backoffInitial ?? self.backoffInitial
        merged.backoffMultiplier = other.backoffMultiplier ?? self.backoffMultiplier
        merged.backoffCap = other.backoffCap ?? self.backoffCap
        merged.stablePeriod = other.stablePeriod ?? self.stablePeriod
        merged.maxAttempts = other.maxAttempts ?? self.maxAttempts
        merged.stopCodes = other.stopCodes ?? self.stopCodes
        merged.maxMessageSize = other.maxMessageSize ?? self.maxMessageSize
        merged.caFile = other.caFile ?? self.caFile
        merged.insecure = other.insecure ?? self.insecure
        merged.parallelHandshakes = other.parallelHandshakes ?? self.parallelHandshakes
        merged.proxy = other.proxy ?? self.proxy
        return merged
    }

    /// The client options for `url`; throws a readable `SettingsError` naming the setting.
    func makeOptions(url: String, name: String?) throws(SettingsError) -> SessionOptions {
        let parsed: WebSocketURL
        do { parsed = try WebSocketURL(parsing: url) } catch {
            throw SettingsError(key: "url", message: "\(url.debugDescription) is not a WebSocket URL: \(error)")
        }
        var options = SessionOptions(url: parsed, name: name)
        options.connection.extraHeaders = self.headers
        options.connection.subprotocols = self.subprotocols
        options.connection.origin = self.origin
        options.messagesOnOpen = self.messagesOnOpen ?? []
        options.messagesOnReconnect = self.messagesOnReconnect
        if let message = self.intervalMessage {
            guard let every = self.interval, every > .zero else {
                throw SettingsError(key: "interval", message: "an interval message needs an interval above 0")
            }
            options.intervalMessage = (message, every)
        }
        if let ping = self.pingInterval { options.pingInterval = ping == .zero ? nil : ping }
        if let value = self.pongTimeout { options.pongTimeout = try Self.positive(value, "pong-timeout") }
        if let value = self.closeTimeout { options.closeTimeout = try Self.positive(value, "close-timeout") }
        if let value = self.openTimeout { options.openTimeout = try Self.positive(value, "open-timeout") }
        if let reconnect = self.reconnect { options.reconnect.isEnabled = reconnect }
        if let value = self.backoffInitial {
            options.reconnect.backoffInitial = try Self.positive(value, "backoff-initial")
        }
        if let value = self.backoffMultiplier {
            guard value >= 1 else { throw SettingsError(key: "backoff-multiplier", message: "must be 1 or more") }
            options.reconnect.backoffMultiplier = value
        }
        if let value = self.backoffCap { options.reconnect.backoffCap = try Self.positive(value, "backoff-cap") }
        if let value = self.stablePeriod { options.reconnect.stablePeriod = value }
        if let value = self.maxAttempts {
            guard value >= 0 else { throw SettingsError(key: "max-attempts", message: "must be 0 (no limit) or more") }
            options.reconnect.maxAttempts = value == 0 ? nil : value
        }
        if let codes = self.stopCodes {
            for code in codes where !(1000...4999).contains(code) {
                throw SettingsError(key: "stop-codes", message: "\(code) is not a close code (1000–4999)")
            }
            options.reconnect.stopCodes = Set(codes)
        }
        if let size = self.maxMessageSize {
            guard size > 0 else { throw SettingsError(key: "max-message-size", message: "must be above 0") }
            options.connection.maxMessageSize = size
            options.connection.maxFrameSize = size
        }
        options.tls.caFile = self.caFile
        options.tls.insecure = self.insecure ?? false
        options.reconnect.parallelHandshakes = self.parallelHandshakes ?? false
        if let proxy = self.proxy {
            options.proxy = try Self.proxyOptions(proxy)
        }
        return options
    }

    private static func positive(_ value: Duration, _ key: String) throws(SettingsError) -> Duration {
        guard value > .zero else { throw SettingsError(key: key, message: "must be above 0") }
        return value
    }

    /// "http://[user:password@]host:port" or "host:port".
    static func proxyOptions(_ text: String) throws(SettingsError) -> ProxyOptions {
        guard let proxy = ProxyOptions(parsing: text) else {
            throw SettingsError(key: "proxy", message: "\(text.debugDescription) is not host:port or http://host:port")
        }
        return proxy
    }
}

/// A setting with a bad value.
struct SettingsError: Error, Equatable, CustomStringConvertible {
    var key: String
    var message: String

    var description: String { "\(self.key): \(self.message)" }
}
