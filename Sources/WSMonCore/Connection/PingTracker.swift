/// Pings we sent and are still waiting for, matched to pongs by payload (RFC 6455 §5.5.3:
/// a pong answers the most recent ping, and may answer several).
struct PingTracker {
    /// Unanswered pings beyond this are forgotten, oldest first, so a peer that never
    /// answers cannot grow memory.
    static let limit = 32

    private var outstanding: [(id: PingID, payload: [UInt8])] = []
    private var nextID: UInt64 = 1

    mutating func sent(_ payload: [UInt8]) -> PingID {
        let id = PingID(rawValue: self.nextID)
        self.nextID += 1
        if self.outstanding.count == Self.limit { self.outstanding.removeFirst() }
        self.outstanding.append((id, payload))
        return id
    }

    /// The ping a pong answers; it and every older ping are then no longer outstanding.
    mutating func answer(_ payload: [UInt8]) -> PingID? {
        guard let index = self.outstanding.lastIndex(where: { $0.payload == payload }) else { return nil }
        let id = self.outstanding[index].id
        self.outstanding.removeFirst(index + 1)
        return id
    }

    /// The longest-waiting ping, if any is unanswered.
    var oldest: PingID? { self.outstanding.first?.id }
}
