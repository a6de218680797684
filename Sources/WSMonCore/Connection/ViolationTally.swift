/// Counts what the peer did wrong. The first few of each kind are reported one by one; later
/// repeats are only counted (a server that keeps sending after its Close must not flood the
/// caller with a million identical events), and the counts end up in the `CloseSummary`.
struct ViolationTally {
    /// How many of one kind are reported as events before the rest are only counted.
    static let reportedPerKind = 3

    /// Every violation received, reported or not.
    private(set) var total = 0
    private var byName: [String: Int] = [:]

    /// Counts `violation`; true when it is among the first of its kind and should be reported.
    mutating func count(_ violation: PeerViolation) -> Bool {
        self.total += 1
        let seen = self.byName[violation.name, default: 0] + 1
        self.byName[violation.name] = seen
        return seen <= Self.reportedPerKind
    }

    /// Repeats that were counted but not reported, by violation name.
    var unreported: [String: Int] {
        self.byName.compactMapValues { $0 > Self.reportedPerKind ? $0 - Self.reportedPerKind : nil }
    }
}
