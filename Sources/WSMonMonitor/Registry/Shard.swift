import NIOCore
import Synchronization
import WSMonClient

/// The monitor's state for the sessions of one event loop. Changed only on that loop, so
/// recording an event takes no lock; readers get the immutable `ShardSnapshot` it
/// publishes, behind a lock held only to swap it.
///
/// Rows are plain values in two arrays, the published one and the one being prepared; a
/// publish copies into the second only the rows changed since it was last published (and,
/// once a second, the rates of sessions with traffic), then swaps them. With 10,000
/// sessions a snapshot costs the changed rows, not 10,000 visits to scattered trackers nor
/// a copy of the array.
final class Shard: @unchecked Sendable {
    static let historySeconds = 60

    let eventLoop: any EventLoop
    /// This shard's table number in snapshots' texts.
    let ordinal: Int
    private let watched: WatchedSession
    /// The tracker keeping a message log, if any: the watched session's.
    private var messageLogOwner: SessionTracker?
    private var trackersByID: [Int: SessionTracker] = [:]
    /// The rows being prepared; the published ones are in `published`.
    private var rows: [SessionSummary] = []
    private var publishedRows: [SessionSummary] = []
    private var texts: [SessionTexts] = []
    /// Trackers whose summary changed since the last snapshot, and their rows.
    private var dirty: [(tracker: SessionTracker, row: Int)] = []
    /// Those of the snapshot before: already in `publishedRows`, not yet in `rows`.
    private var dirtyBefore: [(tracker: SessionTracker, row: Int)] = []
    /// Trackers with traffic in their rate window, whose rates change each second.
    private var trafficking: [(tracker: SessionTracker, row: Int)] = []
    private var ratesSecond: Int64 = .min
    private var closeCodes: [UInt16: Int] = [:]
    private var rejectionStatuses: [Int: Int] = [:]
    private var failures: [FailureKind: Int] = [:]
    private var storm = StormStats()
    private var history: [SecondSample] = Array(
        repeating: SecondSample(second: .min),
        count: Shard.historySeconds + 1
    )
    private let published = Mutex(ShardSnapshot())

    init(eventLoop: any EventLoop, ordinal: Int, watched: WatchedSession) {
        self.eventLoop = eventLoop
        self.ordinal = ordinal
        self.watched = watched
    }

    func add(_ tracker: SessionTracker) {
        self.eventLoop.preconditionInEventLoop()
        let row = self.rows.count
        tracker.place(in: TextsSlot(table: UInt32(self.ordinal), index: UInt32(row)))
        self.rows.append(tracker.summary)
        self.publishedRows.append(tracker.summary)
        self.texts.append(tracker.texts)
        self.trackersByID[tracker.summary.id] = tracker
    }

    func apply(_ event: SessionEvent, to tracker: SessionTracker) {
        var tally = EventTally()
        tracker.apply(event, tally: &tally)
        // Events can come before the tracker is added (both are queued on this loop).
        guard let row = tracker.row else { return }
        if !tracker.isDirty {
            tracker.isDirty = true
            self.dirty.append((tracker, row))
        }
        if tracker.textsChanged {
            tracker.textsChanged = false
            self.texts[row] = tracker.texts
        }
        switch event.kind {
        case .connection(.text), .connection(.binary), .messageSent:
            if tracker.id == self.watched.id { self.keepMessage(event, in: tracker) }
        default:
            break
        }
        if let code = tally.closeCode { self.closeCodes[code, default: 0] += 1 }
        if let status = tally.rejectionStatus { self.rejectionStatuses[status, default: 0] += 1 }
        if let failure = tally.failure { self.failures[failure, default: 0] += 1 }
        if tally.changesStorm {
            self.storm.record(tally, at: event.time.timeIntervalSince1970)
            tracker.recordStorm(tally, at: event.time.timeIntervalSince1970)
        }
        guard tally.messages > 0 || tally.bytes > 0 || tally.reconnectAttempts > 0 else { return }
        let second = Int64(event.time.timeIntervalSince1970.rounded(.down))
        if tally.bytes > 0 && !tracker.hasRecentTraffic {
            tracker.hasRecentTraffic = true
            self.trafficking.append((tracker, row))
        }
        // Traffic stamped before the second the rates were last computed for changes them.
        if second < self.ratesSecond { _ = tracker.updateRates(second: self.ratesSecond) }
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

    /// Brings the rows up to date as of `now`: rates once a second, then changed rows.
    private func refreshRows(now: Double) {
        let second = Int64(now.rounded(.down))
        if second != self.ratesSecond {
            self.ratesSecond = second
            self.trafficking.removeAll { entry in
                let stillActive = entry.tracker.updateRates(second: second)
                if !entry.tracker.isDirty {
                    entry.tracker.isDirty = true
                    self.dirty.append(entry)
                }
                entry.tracker.hasRecentTraffic = stillActive
                return !stillActive
            }
        }
        for (tracker, row) in self.dirtyBefore { self.rows[row] = tracker.summary }
        for (tracker, row) in self.dirty {
            tracker.isDirty = false
            self.rows[row] = tracker.summary
        }
        swap(&self.dirtyBefore, &self.dirty)
        self.dirty.removeAll(keepingCapacity: true)
    }

    /// Builds a snapshot of this loop's sessions (on the loop).
    func makeSnapshot(now: Double, watched: Int?) -> ShardSnapshot {
        if let owner = self.messageLogOwner, owner.id != watched {
            owner.forgetMessages()
            self.messageLogOwner = nil
        }
        self.refreshRows(now: now)
        // The prepared rows are published; the ones published before are prepared next,
        // in place once the reader has let go of them.
        swap(&self.rows, &self.publishedRows)
        return ShardSnapshot(
            ordinal: self.ordinal,
            rows: self.publishedRows,
            texts: self.texts,
            closeCodes: self.closeCodes,
            rejectionStatuses: self.rejectionStatuses,
            failures: self.failures,
            history: self.history,
            storm: self.storm,
            detail: watched.flatMap { self.trackersByID[$0]?.detail() }
        )
    }

    func publish(now: Double, watched: Int?) {
        var snapshot = self.makeSnapshot(now: now, watched: watched)
        // Swapped, so the snapshot replaced is released here, after the lock, and its
        // rows are then this shard's alone again.
        self.published.withLock { swap(&$0, &snapshot) }
    }

    var latest: ShardSnapshot { self.published.withLock { $0 } }
}

/// One loop's part of a `MonitorSnapshot`.
struct ShardSnapshot: Sendable {
    var ordinal = 0
    var rows: [SessionSummary] = []
    var texts: [SessionTexts] = []
    var closeCodes: [UInt16: Int] = [:]
    var rejectionStatuses: [Int: Int] = [:]
    var failures: [FailureKind: Int] = [:]
    var history: [SecondSample] = []
    var storm = StormStats()
    var detail: SessionDetail?
}
