/// What the storm tab shows: the storm and the handshake failures, of every session (from
/// the totals) or of the sessions a filter left (merged from their rows).
public struct StormView: Sendable {
    public var storm: StormStats
    /// HTTP statuses of rejected handshakes.
    public var rejectionStatuses: [Int: Int]
    /// Failed attempts other than rejections, by reason.
    public var failures: [FailureKind: Int]
    /// How many sessions it covers when filtered; nil for every session.
    public var filteredSessions: Int?

    public init(
        storm: StormStats,
        rejectionStatuses: [Int: Int],
        failures: [FailureKind: Int],
        filteredSessions: Int? = nil
    ) {
        self.storm = storm
        self.rejectionStatuses = rejectionStatuses
        self.failures = failures
        self.filteredSessions = filteredSessions
    }

    /// The storm of these sessions alone. Its timeline has the coarsest bucket any of them
    /// kept, and its herding looks at each one's last 32 retries.
    public init(merging rows: [SessionSummary]) {
        var storm = StormStats()
        var rejectionStatuses: [Int: Int] = [:]
        var failures: [FailureKind: Int] = [:]
        let kept = rows.compactMap(\.storm.contents)
        let shift = kept.map(\.shift).max() ?? 0
        storm.bucketSeconds = 1 << Int64(shift)
        for session in kept {
            for (index, bucket) in session.buckets.enumerated() where bucket != StormStats.Bucket() {
                let second = (((session.start + Int64(index)) << session.shift) >> shift) << shift
                storm.timeline[second, default: StormStats.Bucket()] += bucket
            }
            for hundredth in session.retries { storm.retryHundredths[hundredth, default: 0] += 1 }
            storm.reconnectDelays.merge(session.reconnectDelays)
            storm.lifetimes.merge(session.lifetimes)
            StormStats.merge(session.causes, into: &storm.causes)
            rejectionStatuses.merge(session.rejectionStatuses, uniquingKeysWith: +)
            failures.merge(session.failures, uniquingKeysWith: +)
        }
        self.init(
            storm: storm,
            rejectionStatuses: rejectionStatuses,
            failures: failures,
            filteredSessions: rows.count
        )
    }
}

extension Totals {
    /// Every session's storm.
    public var stormView: StormView {
        StormView(storm: self.storm, rejectionStatuses: self.rejectionStatuses, failures: self.failures)
    }
}
