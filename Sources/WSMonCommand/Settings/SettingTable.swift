import WSMonClient
import WSMonCore
import WSMonMetrics

/// Every setting, described once: its config key (the flag is the key with `-` for `_`),
/// its flag's form and help, how a value is written and checked, how layers combine, and
/// what it sets. Flags, config files, errors, `--help` and the README's option table all
/// come from these rows; adding a setting is adding a row (and, because ArgumentParser
/// needs one, a property in `SessionFlags` or `RunFlags` declared from the row).
enum SettingTable {
    static let name = SessionSetting<String>(
        "name",
        form: .configOnly,
        scope: .sessionOnly,
        help: "The session's name (default: the URL; \"name #2\" and so on with count).",
        syntax: .text
    ) { $1.options.name = $0 }

    static let url = SessionSetting<WebSocketURL>(
        "url",
        form: .arguments(valueName: "url"),
        scope: .sessionOnly,
        help: "The ws:// or wss:// URL to connect to.",
        syntax: .webSocketURL,
        apply: nil
    )

    static let count = SessionSetting<Int>(
        "count",
        valueName: "n",
        help: "Sessions per URL (reproduce a storm).",
        syntax: .integer.requiring("must be 1 or more") { $0 >= 1 },
        flag: \.count
    ) { $1.count = $0 }

    static let header = SessionListSetting<HTTPHeaders.Field>(
        "header",
        short: "H",
        valueName: "header",
        help: "Extra request header, \"Name: value\" (repeatable).",
        element: .header,
        accumulates: true,
        flag: \.header
    ) { $1.options.connection.extraHeaders = $0 }

    static let subprotocol = SessionListSetting<String>(
        "subprotocol",
        valueName: "name",
        help: "Offer a subprotocol (repeatable).",
        element: .text,
        flag: \.subprotocol
    ) { $1.options.connection.subprotocols = $0 }

    static let origin = SessionSetting<String>(
        "origin",
        valueName: "origin",
        help: "Origin header.",
        syntax: .text,
        flag: \.origin
    ) { $1.options.connection.origin = $0 }

    static let sendOnOpen = SessionListSetting<OutgoingMessage>(
        "send_on_open",
        valueName: "message",
        help: "Send after the first open (repeatable; hex:… for binary).",
        element: .message,
        flag: \.sendOnOpen
    ) { $1.options.messagesOnOpen = $0 }

    static let sendOnReconnect = SessionListSetting<OutgoingMessage>(
        "send_on_reconnect",
        valueName: "message",
        help: "Send after each reopen (repeatable; default: the open messages).",
        element: .message,
        flag: \.sendOnReconnect
    ) { $1.options.messagesOnReconnect = $0 }

    /// Read with `interval` by `SessionSpec`: one needs the other.
    static let intervalMessage = SessionSetting<OutgoingMessage>(
        "interval_message",
        valueName: "message",
        help: "An application message to send every --interval while open.",
        syntax: .message,
        flag: \.intervalMessage,
        apply: nil
    )

    static let interval = SessionSetting<Duration>(
        "interval",
        valueName: "duration",
        help: "How often to send --interval-message.",
        syntax: .duration.requiring("must be above 0") { $0 > .zero },
        flag: \.interval,
        apply: nil
    )

    static let pingInterval = SessionSetting<Duration>(
        "ping_interval",
        valueName: "duration",
        help: "Keepalive ping interval, 0 or off for none (default 20s).",
        syntax: .durationOrOff,
        flag: \.pingInterval
    ) { $1.options.pingInterval = $0 == .zero ? nil : $0 }

    static let pongTimeout = SessionSetting<Duration>(
        "pong_timeout",
        valueName: "duration",
        help: "Fail with 1011 when a ping is unanswered this long (default 20s).",
        syntax: .positiveDuration,
        flag: \.pongTimeout
    ) { $1.options.pongTimeout = $0 }

    static let staleAfter = SessionSetting<Duration>(
        "stale_after",
        valueName: "duration",
        help: "Mark an open session stale when no message arrives this long (default off).",
        syntax: .durationOrOff,
        flag: \.staleAfter
    ) { $1.options.staleAfter = $0 == .zero ? nil : $0 }

    static let closeTimeout = SessionSetting<Duration>(
        "close_timeout",
        valueName: "duration",
        help: "Tear TCP down when a close handshake takes longer (default 10s).",
        syntax: .positiveDuration,
        flag: \.closeTimeout
    ) { $1.options.closeTimeout = $0 }

    static let openTimeout = SessionSetting<Duration>(
        "open_timeout",
        valueName: "duration",
        help: "TCP + TLS + upgrade must finish within this (default 10s).",
        syntax: .positiveDuration,
        flag: \.openTimeout
    ) { $1.options.openTimeout = $0 }

    static let reconnect = SessionSetting(
        "reconnect",
        help: "Reconnect by policy after a connection ends (default on).",
        flag: \SessionFlags.reconnect
    ) { $1.options.reconnect.isEnabled = $0 }

    static let backoffInitial = SessionSetting<Duration>(
        "backoff_initial",
        valueName: "duration",
        help: "First backoff ceiling (default 1s).",
        syntax: .positiveDuration,
        flag: \.backoffInitial
    ) { $1.options.reconnect.backoffInitial = $0 }

    static let backoffMultiplier = SessionSetting<Double>(
        "backoff_multiplier",
        valueName: "number",
        help: "Backoff growth per failed attempt (default 2).",
        syntax: .number.requiring("must be 1 or more") { $0 >= 1 },
        flag: \.backoffMultiplier
    ) { $1.options.reconnect.backoffMultiplier = $0 }

    static let backoffCap = SessionSetting<Duration>(
        "backoff_cap",
        valueName: "duration",
        help: "Longest backoff (default 60s).",
        syntax: .positiveDuration,
        flag: \.backoffCap
    ) { $1.options.reconnect.backoffCap = $0 }

    static let stablePeriod = SessionSetting<Duration>(
        "stable_period",
        valueName: "duration",
        help: "Open this long before the backoff starts over (default 10s).",
        syntax: .duration,
        flag: \.stablePeriod
    ) { $1.options.reconnect.stablePeriod = $0 }

    static let maxAttempts = SessionSetting<Int>(
        "max_attempts",
        valueName: "n",
        help: "Give up after this many failed attempts in a row (0: never).",
        syntax: .integer.requiring("must be 0 (no limit) or more") { $0 >= 0 },
        flag: \.maxAttempts
    ) { $1.options.reconnect.maxAttempts = $0 == 0 ? nil : $0 }

    static let stopCodes = SessionSetting<[UInt16]>(
        "stop_codes",
        valueName: "codes",
        help: "Server close codes that stop reconnecting, e.g. 1008,4001.",
        syntax: .closeCodes,
        flag: \.stopCodes
    ) { $1.options.reconnect.stopCodes = Set($0) }

    static let parallelHandshakes = SessionSetting(
        "parallel_handshakes",
        help: "Open handshakes to one host:port in parallel (RFC 6455 §4.1 asks for one at a time, the default).",
        flag: \SessionFlags.parallelHandshakes
    ) { $1.options.reconnect.parallelHandshakes = $0 }

    static let maxMessageSize = SessionSetting<Int>(
        "max_message_size",
        valueName: "bytes",
        help: "Largest message or frame accepted, in bytes (default 64 MiB).",
        syntax: .integer.requiring("must be above 0") { $0 > 0 },
        flag: \.maxMessageSize
    ) {
        $1.options.connection.maxMessageSize = $0
        $1.options.connection.maxFrameSize = $0
    }

    static let deflate = SessionSetting(
        "deflate",
        help: "Offer permessage-deflate compression, RFC 7692 (default on).",
        flag: \SessionFlags.deflate
    ) { $1.options.connection.deflate = $0 ? PerMessageDeflateOffer() : nil }

    static let deflateServerNoContextTakeover = SessionSetting(
        "deflate_server_no_context_takeover",
        help: "Ask the server to compress each message on its own (server_no_context_takeover).",
        flag: \SessionFlags.deflateServerNoContextTakeover
    ) { $1.options.connection.deflate?.serverNoContextTakeover = $0 }

    static let deflateClientNoContextTakeover = SessionSetting(
        "deflate_client_no_context_takeover",
        help: "Compress each message we send on its own, and say so (client_no_context_takeover).",
        flag: \SessionFlags.deflateClientNoContextTakeover
    ) { $1.options.connection.deflate?.clientNoContextTakeover = $0 }

    static let deflateServerMaxWindowBits = SessionSetting<Int>(
        "deflate_server_max_window_bits",
        valueName: "bits",
        help: "Ask the server to compress with at most a 2^bits window, 8–15 (server_max_window_bits).",
        syntax: .windowBits,
        flag: \.deflateServerMaxWindowBits
    ) { $1.options.connection.deflate?.serverMaxWindowBits = $0 }

    static let deflateClientMaxWindowBits = SessionSetting<Int>(
        "deflate_client_max_window_bits",
        valueName: "bits",
        help: "Offer client_max_window_bits=bits, 8–15: the server may shrink our window to it (default: no value).",
        syntax: .windowBits,
        flag: \.deflateClientMaxWindowBits
    ) { $1.options.connection.deflate?.clientMaxWindowBits = .atMost($0) }

    static let caFile = SessionSetting<String>(
        "ca_file",
        valueName: "file",
        help: "PEM file of trusted CA certificates (default: the system's).",
        syntax: .text,
        completion: .file(),
        flag: \.caFile
    ) { $1.options.tls.caFile = $0 }

    static let insecure = SessionSetting(
        "insecure",
        help: "Skip TLS certificate verification (shown on every session).",
        flag: \SessionFlags.insecure
    ) { $1.options.tls.insecure = $0 }

    static let cert = SessionSetting<String>(
        "cert",
        valueName: "file",
        help: "Client certificate (PEM) for servers that ask for one; needs --key.",
        syntax: .text,
        completion: .file(),
        flag: \.cert
    ) { $1.options.tls.certFile = $0 }

    static let key = SessionSetting<String>(
        "key",
        valueName: "file",
        help: "The client certificate's private key (PEM, unencrypted).",
        syntax: .text,
        completion: .file(),
        flag: \.key
    ) { $1.options.tls.keyFile = $0 }

    static let proxy = SessionSetting<ProxyOptions>(
        "proxy",
        valueName: "url",
        help: "HTTP CONNECT proxy, http://[user:pass@]host:port (default: https_proxy).",
        syntax: .proxy,
        flag: \.proxy
    ) { $1.options.proxy = $0 }

    static let duration = RunSetting<DurationArgument>(
        "duration",
        valueName: "duration",
        help: "Stop after this long, closing every session (e.g. 30s, 2m).",
        syntax: ValueSyntax<Duration>.duration.map(DurationArgument.init),
        flag: \.duration
    )

    static let metrics = RunSetting<MetricsAddress>(
        "metrics",
        valueName: "host:port",
        help: "Serve Prometheus metrics at http://HOST:PORT/metrics (default off).",
        syntax: .metricsAddress,
        flag: \.metrics
    )

    static let showSecrets = RunSetting(
        "show_secrets",
        help: "Show secrets as they are: headers, URL passwords and query values that are otherwise redacted.",
        flag: \RunFlags.showSecrets
    )

    static let recordMaxSize = RunSetting<Int>(
        "record_max_size",
        valueName: "size",
        help:
            "Rotate the record once it reaches this size (e.g. 100M, 1G): FILE becomes FILE.1, the older parts move up, 9 are kept.",
        syntax: ValueSyntax<Int>.byteSize.requiring("must be at least 64K") { $0 >= 64 * 1024 },
        flag: \.recordMaxSize
    )

    /// In the order of `--help` and the README.
    static let session: [any SessionSettingRow] = [
        name, url, count, header, subprotocol, origin, sendOnOpen, sendOnReconnect, intervalMessage, interval,
        pingInterval, pongTimeout, staleAfter, closeTimeout, openTimeout, reconnect, backoffInitial, backoffMultiplier,
        backoffCap, stablePeriod, maxAttempts, stopCodes, maxMessageSize, deflate, deflateServerNoContextTakeover,
        deflateClientNoContextTakeover, deflateServerMaxWindowBits, deflateClientMaxWindowBits, caFile, insecure, cert,
        key,
        parallelHandshakes, proxy,
    ]

    static let run: [any RunSettingRow] = [duration, metrics, showSecrets, recordMaxSize]

    static let all: [any SettingRow] = session.map { $0 as any SettingRow } + run.map { $0 as any SettingRow }

    /// The row of a config key.
    static func row(_ key: String) -> (any SettingRow)? {
        self.all.first { $0.key == key }
    }
}
