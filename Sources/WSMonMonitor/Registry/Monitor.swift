import FoundationEssentials
import NIOCore
import Synchronization
import WSMonClient

/// Subscribes to sessions' events and keeps bounded state about each: counters, rates, a
/// ring of recent frames, handshake headers, close timelines and reconnect history, plus
/// process-wide aggregates. Writers (the sessions' event loops) never wait for readers;
/// readers get immutable snapshots.
public final class Monitor: Sendable {
    public let frameLogCapacity: Int
    private let shards = Mutex<[ObjectIdentifier: Shard]>([:])
    private let watchedSession = Atomic<Int>(0)
    private let publishing = Mutex<[RepeatedTask]>([])

    public init(frameLogCapacity: Int = 500) {
        self.frameLogCapacity = frameLogCapacity
    }

    /// Registers a session that will run on `eventLoop`; give the returned sink to the
    /// `Session` (it is called on that loop).
    public func register(
        id: Int,
        options: SessionOptions,
        on eventLoop: any EventLoop
    ) -> @Sendable (SessionEvent) -> Void {
        let shard = self.shard(for: eventLoop)
        let tracker = SessionTracker(
            id: id,
            options: options,
            frameLogCapacity: self.frameLogCapacity,
            now: Date().timeIntervalSince1970
        )
        let box = UncheckedBox(tracker)
        eventLoop.execute { shard.add(box.value) }
        return { event in shard.apply(event, to: box.value) }
    }

    private func shard(for eventLoop: any EventLoop) -> Shard {
        self.shards.withLock { shards in
            let key = ObjectIdentifier(eventLoop)
            if let shard = shards[key] { return shard }
            let shard = Shard(eventLoop: eventLoop)
            shards[key] = shard
            return shard
        }
    }

    private var allShards: [Shard] { self.shards.withLock { Array($0.values) } }

    /// Which session's detail snapshots include (nil: none).
    public func watch(_ id: Int?) {
        self.watchedSession.store(id ?? 0, ordering: .relaxed)
    }

    private var watched: Int? {
        let id = self.watchedSession.load(ordering: .relaxed)
        return id == 0 ? nil : id
    }

    /// Publishes a snapshot from every loop every `interval` (for a dashboard's refresh);
    /// `latest()` then reads them without asking any loop.
    public func startPublishing(every interval: TimeAmount) {
        let tasks = self.allShards.map { shard in
            shard.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { [self] _ in
                shard.publish(now: Date().timeIntervalSince1970, watched: self.watched)
            }
        }
        self.publishing.withLock { $0.append(contentsOf: tasks) }
    }

    /// The most recently published state.
    public func latest(now: Double = Date().timeIntervalSince1970) -> MonitorSnapshot {
        Self.merge(self.allShards.map(\.latest), now: now)
    }

    /// A fresh snapshot as of `now` (seconds since 1970), gathered on every loop.
    public func collect(now: Double = Date().timeIntervalSince1970) async -> MonitorSnapshot {
        let watched = self.watched
        var parts: [ShardSnapshot] = []
        for shard in self.allShards {
            if let part = try? await shard.eventLoop.submit({ shard.makeSnapshot(now: now, watched: watched) }).get() {
                parts.append(part)
            }
        }
        return Self.merge(parts, now: now)
    }

    static func merge(_ parts: [ShardSnapshot], now: Double) -> MonitorSnapshot {
        var totals = Totals()
        var rows: [SessionSummary] = []
        rows.reserveCapacity(parts.reduce(0) { $0 + $1.rows.count })
        var detail: SessionDetail?
        var seconds: [Int64: SecondSample] = [:]
        for part in parts {
            rows.append(contentsOf: part.rows)
            detail = detail ?? part.detail
            totals.closeCodes.merge(part.closeCodes, uniquingKeysWith: +)
            totals.rejectionStatuses.merge(part.rejectionStatuses, uniquingKeysWith: +)
            for sample in part.history where sample.second != .min {
                var sum = seconds[sample.second] ?? SecondSample(second: sample.second)
                sum.messages += sample.messages
                sum.bytes += sample.bytes
                sum.reconnects += sample.reconnects
                seconds[sample.second] = sum
            }
        }
        rows.sort { $0.id < $1.id }
        for row in rows {
            totals.sessionsByState[row.state, default: 0] += 1
            totals.rates1s = totals.rates1s + row.rates1s
            totals.rates10s = totals.rates10s + row.rates10s
        }
        let current = Int64(now.rounded(.down))
        totals.history = (current - Int64(Shard.historySeconds)..<current).map {
            seconds[$0] ?? SecondSample(second: $0)
        }
        totals.reconnectsPerSecond =
            Double(totals.history.suffix(10).reduce(0) { $0 + $1.reconnects }) / 10
        return MonitorSnapshot(time: now, sessions: rows, totals: totals, detail: detail)
    }

    /// Stops publishing.
    public func stopPublishing() {
        let tasks = self.publishing.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { task.cancel() }
    }
}

/// Hands a loop-confined object to that loop's closures.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
