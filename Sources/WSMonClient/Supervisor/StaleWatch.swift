/// Whether an open connection's feed has gone silent (`--stale-after`): no data message for
/// `limit`. Pure: times are the loop's monotonic uptime, given by the caller, so tests run it
/// on virtual time. The session arms a timer for `deadline` and calls `check` when it fires.
///
/// A silent feed is one of two things, told apart by the keepalive pings sent while it was
/// silent: a quiet feed (the server answers pings, it just has nothing to say) or a
/// half-open connection (pings go unanswered: the server or the path is gone).
struct StaleWatch: Sendable {
    let limit: Duration
    private(set) var lastData: Duration
    private(set) var isStale = false
    private var lastPong: Duration?

    init(limit: Duration, openedAt: Duration) {
        self.limit = limit
        self.lastData = openedAt
    }

    /// When the feed turns stale if nothing arrives before then.
    var deadline: Duration { self.lastData + self.limit }

    /// A data message arrived; true when that ends a stale spell (report `fresh`).
    mutating func dataReceived(at now: Duration) -> Bool {
        self.lastData = now
        defer { self.isStale = false }
        return self.isStale
    }

    mutating func pongReceived(at now: Duration) {
        self.lastPong = now
    }

    enum Check: Equatable, Sendable {
        /// Not silent long enough (or already reported): look again at `deadline`.
        case notYet
        /// Silent for `silentFor`: report it once.
        case becameStale(silentFor: Duration, pings: PingEvidence)
    }

    /// At the deadline (or any time): whether the feed just became stale. `pingUnanswered`:
    /// a ping we sent is still waiting for its pong.
    mutating func check(at now: Duration, pingUnanswered: Bool) -> Check {
        guard !self.isStale, now >= self.deadline else { return .notYet }
        self.isStale = true
        return .becameStale(silentFor: now - self.lastData, pings: self.pings(pingUnanswered: pingUnanswered))
    }

    /// What the keepalive says about the silence so far: a pong during it wins over a ping
    /// still in flight (one may have left a moment ago).
    func pings(pingUnanswered: Bool) -> PingEvidence {
        if let pong = self.lastPong, pong > self.lastData { return .answered }
        return pingUnanswered ? .unanswered : .none
    }
}

/// What keepalive pings say about a silent feed.
public enum PingEvidence: String, Hashable, Sendable {
    /// Pongs came back while it was silent: a quiet feed, the connection is alive.
    case answered
    /// No pong during the silence and a ping waits for one: likely half-open (the pong
    /// timeout will tell).
    case unanswered
    /// No ping was answered or outstanding while silent (keepalive off or not due yet).
    case none
}
