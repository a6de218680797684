import NIOCore
import Synchronization
import WSMonClient

/// The monitor's state for the sessions of one event loop. Changed only on that loop, so
/// recording an event takes no lock; readers get the immutable `ShardSnapshot` it
/// publishes, behind a lock held only to swap it.
final class Shard: @unchecked Sendable {
    static let historySeconds = 60

    let eventLoop: any EventLoop
    private let watched: WatchedSession
    /// The tracker keeping a message log, if any: the watched session's.
    private var messageLogOwner: SessionTracker?
    private var trackers: [SessionTracker] = []
    private var trackersByID: [Int: SessionTracker] = [:]
    private var closeCodes: [UInt16: Int] = [:]
    private var rejectionStatuses: [Int: Int] = [:]
    private var history: [SecondSample] = Array(
        repeating: SecondSample(second: .min),
        count: Shard.historySeconds + 1
    )
    private let published = Mutex(ShardSnapshot())

    init(eventLoop: any EventLoop, watched: WatchedSession) {
        self.eventLoop = eventLoop
        self.watched = watched
    }

    func add(_ tracker: SessionTracker) {
        self.eventLoop.preconditionInEventLoop()
        self.trackers.append(tracker)
        self.trackersByID[tracker.summary.id] = tracker
    }

    func apply(_ event: SessionEvent, to tracker: SessionTracker) {
        var tally = EventTally()
        tracker.apply(event, tally: &tally)
        switch event.kind {
        case .connection(.text), .connection(.binary):
            if tracker.id == self.watched.id { self.keepMessage(event, in: tracker) }
        default:
            break
        }
        if let code = tally.closeCode { self.closeCodes[code, default: 0] += 1 }
        if let status = tally.rejectionStatus { self.rejectionStatuses[status, default: 0] += 1 }
        guard tally.messages > 0 || tally.bytes > 0 || tally.reconnectAttempts > 0 else { return }
        let second = Int64(event.time.timeIntervalSince1970.rounded(.down))
        let index = Int(UInt64(bitPattern: second) % UInt64(self.history.count))
        if self.history[index].second != second { self.history[index] = SecondSample(second: second) }
        self.history[index].messages += tally.messages
        self.history[index].bytes += tally.bytes
        self.history[index].reconnects += tally.reconnectAttempts
    }

    private func keepMessage(_ event: SessionEvent, in tracker: SessionTracker) {
        if self.messageLogOwner !== tracker {
            self.messageLogOwner?.forgetMessages()
            self.messageLogOwner = tracker
        }
        tracker.logMessage(event)
    }

    /// Builds a snapshot of this loop's sessions (on the loop).
    func makeSnapshot(now: Double, watched: Int?) -> ShardSnapshot {
        if let owner = self.messageLogOwner, owner.id != watched {
            owner.forgetMessages()
            self.messageLogOwner = nil
        }
        return ShardSnapshot(
            rows: self.trackers.map { $0.row(now: now) },
            closeCodes: self.closeCodes,
            rejectionStatuses: self.rejectionStatuses,
            history: self.history,
            detail: watched.flatMap { self.trackersByID[$0]?.detail(now: now) }
        )
    }

    func publish(now: Double, watched: Int?) {
        let snapshot = self.makeSnapshot(now: now, watched: watched)
        self.published.withLock { $0 = snapshot }
    }

    var latest: ShardSnapshot { self.published.withLock { $0 } }
}

/// One loop's part of a `MonitorSnapshot`.
struct ShardSnapshot: Sendable {
    var rows: [SessionSummary] = []
    var closeCodes: [UInt16: Int] = [:]
    var rejectionStatuses: [Int: Int] = [:]
    var history: [SecondSample] = []
    var detail: SessionDetail?
}
