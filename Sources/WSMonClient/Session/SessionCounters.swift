import WSMonCore

/// What a session has done so far.
public struct SessionCounters: Hashable, Sendable {
    /// Successful opens (first open and reopens).
    public var connects = 0
    /// Opens after the first.
    public var reconnects = 0
    /// Attempts that did not open, since the last open.
    public var consecutiveFailures = 0
    public var attempts = 0
    /// Close codes of ended connections (1005/1006 included), with counts.
    public var closeCodes: [UInt16: Int] = [:]
    public var timeInState: [SessionState: Duration] = [:]

    public init() {}
}
