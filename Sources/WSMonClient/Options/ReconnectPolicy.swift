import WSMonCore

/// When and how a session reconnects.
public struct ReconnectPolicy: Hashable, Sendable {
    /// Reconnect at all. When false a session makes one connection.
    public var isEnabled = true
    /// The first backoff ceiling (full jitter: the wait is uniform in [0, ceiling]).
    public var backoffInitial: Duration = .seconds(1)
    /// How much the ceiling grows per failed attempt.
    public var backoffMultiplier: Double = 2
    /// The largest ceiling.
    public var backoffCap: Duration = .seconds(60)
    /// The backoff starts over only after a connection stayed open this long, so a server
    /// that accepts and drops at once is not hammered (Python websockets resets on any
    /// successful handshake).
    public var stablePeriod: Duration = .seconds(10)
    /// Retry-After on a 429/503 rejection is honoured up to this long.
    public var retryAfterCap: Duration = .seconds(300)
    /// The least wait after a Close with 1013 "try again later".
    public var tryAgainLaterDelay: Duration = .seconds(30)
    /// Give up after this many consecutive failed attempts (nil: never).
    public var maxAttempts: Int?
    /// Close codes from the server that end the session instead of reconnecting. Empty by
    /// default: a server Close leads to a reconnect (the websocket-client bug).
    public var stopCodes: Set<UInt16> = []
    /// Let handshakes to one host:port run in parallel. Off by default: RFC 6455 §4.1 allows
    /// at most one connection per endpoint in the connecting state.
    public var parallelHandshakes = false

    public init() {}
}
