import ArgumentParser
import WSMonClient

/// Session options on the command line; each maps to a config-file key of the same name
/// with underscores.
struct SessionFlags: ParsableArguments {
    @Option(help: "Sessions per URL (reproduce a storm).")
    var count: Int?

    @Option(
        name: [.customShort("H"), .long],
        help: ArgumentHelp("Extra request header, \"Name: value\" (repeatable).", valueName: "header")
    )
    var header: [String] = []

    @Option(help: ArgumentHelp("Offer a subprotocol (repeatable).", valueName: "name"))
    var subprotocol: [String] = []

    @Option(help: "Origin header.")
    var origin: String?

    @Option(
        name: .customLong("send-on-open"),
        help: ArgumentHelp("Send after the first open (repeatable; hex:… for binary).", valueName: "message")
    )
    var sendOnOpen: [String] = []

    @Option(
        name: .customLong("send-on-reconnect"),
        help: ArgumentHelp("Send after each reopen (repeatable; default: the open messages).", valueName: "message")
    )
    var sendOnReconnect: [String] = []

    @Option(
        name: .customLong("interval-message"),
        help: ArgumentHelp("An application message to send every --interval while open.", valueName: "message")
    )
    var intervalMessage: String?

    @Option(help: ArgumentHelp("How often to send --interval-message.", valueName: "duration"))
    var interval: DurationArgument?

    @Option(
        name: .customLong("ping-interval"),
        help: ArgumentHelp("Keepalive ping interval, 0 for none (default 20s).", valueName: "duration")
    )
    var pingInterval: DurationArgument?

    @Option(
        name: .customLong("pong-timeout"),
        help: ArgumentHelp("Fail with 1011 when a ping is unanswered this long (default 20s).", valueName: "duration")
    )
    var pongTimeout: DurationArgument?

    @Option(
        name: .customLong("close-timeout"),
        help: ArgumentHelp("Tear TCP down when a close handshake takes longer (default 10s).", valueName: "duration")
    )
    var closeTimeout: DurationArgument?

    @Option(
        name: .customLong("open-timeout"),
        help: ArgumentHelp("TCP + TLS + upgrade must finish within this (default 10s).", valueName: "duration")
    )
    var openTimeout: DurationArgument?

    @Flag(inversion: .prefixedNo, help: "Reconnect by policy after a connection ends (default on).")
    var reconnect: Bool?

    @Option(
        name: .customLong("backoff-initial"),
        help: ArgumentHelp("First backoff ceiling (default 1s).", valueName: "duration")
    )
    var backoffInitial: DurationArgument?

    @Option(name: .customLong("backoff-multiplier"), help: "Backoff growth per failed attempt (default 2).")
    var backoffMultiplier: Double?

    @Option(
        name: .customLong("backoff-cap"),
        help: ArgumentHelp("Longest backoff (default 60s).", valueName: "duration")
    )
    var backoffCap: DurationArgument?

    @Option(
        name: .customLong("stable-period"),
        help: ArgumentHelp("Open this long before the backoff starts over (default 10s).", valueName: "duration")
    )
    var stablePeriod: DurationArgument?

    @Option(name: .customLong("max-attempts"), help: "Give up after this many failed attempts in a row (0: never).")
    var maxAttempts: Int?

    @Option(
        name: .customLong("stop-codes"),
        help: ArgumentHelp("Server close codes that stop reconnecting, e.g. 1008,4001.", valueName: "codes")
    )
    var stopCodes: String?

    @Option(
        name: .customLong("max-message-size"),
        help: "Largest message or frame accepted, in bytes (default 64 MiB)."
    )
    var maxMessageSize: Int?

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp("PEM file of trusted CA certificates (default: the system's).", valueName: "file"),
        completion: .file()
    )
    var caFile: String?

    @Flag(help: "Skip TLS certificate verification (shown on every session).")
    var insecure = false

    @Flag(
        name: .customLong("parallel-handshakes"),
        help: "Open handshakes to one host:port in parallel (RFC 6455 §4.1 asks for one at a time, the default)."
    )
    var parallelHandshakes = false

    @Option(
        help: ArgumentHelp("HTTP CONNECT proxy, http://[user:pass@]host:port (default: https_proxy).", valueName: "url")
    )
    var proxy: String?

    /// The settings these flags give; every flag left out stays nil.
    func settings() throws -> SessionSettings {
        var settings = SessionSettings()
        settings.count = self.count
        if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
        for text in self.header {
            guard let (name, value) = ValueParsing.header(text) else {
                throw ValidationError("--header \(text.debugDescription) is not \"Name: value\"")
            }
            settings.headers.append(.init(name: name, value: value))
        }
        settings.subprotocols = self.subprotocol
        settings.origin = self.origin
        if !self.sendOnOpen.isEmpty { settings.messagesOnOpen = try self.sendOnOpen.map { try Self.message($0) } }
        if !self.sendOnReconnect.isEmpty {
            settings.messagesOnReconnect = try self.sendOnReconnect.map { try Self.message($0) }
        }
        settings.intervalMessage = try self.intervalMessage.map { try Self.message($0) }
        settings.interval = self.interval?.value
        settings.pingInterval = self.pingInterval?.value
        settings.pongTimeout = self.pongTimeout?.value
        settings.closeTimeout = self.closeTimeout?.value
        settings.openTimeout = self.openTimeout?.value
        settings.reconnect = self.reconnect
        settings.backoffInitial = self.backoffInitial?.value
        settings.backoffMultiplier = self.backoffMultiplier
        settings.backoffCap = self.backoffCap?.value
        settings.stablePeriod = self.stablePeriod?.value
        settings.maxAttempts = self.maxAttempts
        if let text = self.stopCodes {
            guard let codes = ValueParsing.closeCodes(text) else {
                throw ValidationError("--stop-codes \(text.debugDescription) is not a list of close codes")
            }
            settings.stopCodes = codes
        }
        settings.maxMessageSize = self.maxMessageSize
        settings.caFile = self.caFile
        settings.insecure = self.insecure ? true : nil
        settings.parallelHandshakes = self.parallelHandshakes ? true : nil
        settings.proxy = self.proxy
        return settings
    }

    private static func message(_ text: String) throws -> OutgoingMessageArgument {
        guard let message = OutgoingMessage(parsing: text) else {
            throw ValidationError("\(text.debugDescription): hex: must be followed by pairs of hex digits")
        }
        return message
    }
}

typealias OutgoingMessageArgument = WSMonClient.OutgoingMessage
