import FoundationEssentials
import NIOCore
import Synchronization
import WSMonClient
import WSMonCore

/// Subscribes to sessions' events and keeps bounded state about each: counters, rates, a
/// ring of recent frames, handshake headers, close timelines and reconnect history, plus
/// process-wide aggregates. Writers (the sessions' event loops) never wait for readers;
/// readers get immutable snapshots.
public final class Monitor: Sendable {
    public let frameLogCapacity: Int
    /// Applied to every name, URL, header and error the monitor keeps (so to the dashboard).
    public let redaction: Redaction
    /// Seconds since 1970: the wall clock live, the time cursor in a replay.
    public let clock: @Sendable () -> Double
    private let registry = Mutex(Registry())
    private let watchedSession = WatchedSession()

    /// The shards and, while publishing, how often they publish and the tasks doing it.
    private struct Registry {
        var shards: [ObjectIdentifier: Shard] = [:]
        var publishInterval: TimeAmount?
        var publishingTasks: [RepeatedTask] = []
    }

    public init(
        frameLogCapacity: Int = 500,
        redaction: Redaction = Redaction(),
        clock: @escaping @Sendable () -> Double = Monitor.wallClock
    ) {
        self.frameLogCapacity = frameLogCapacity
        self.redaction = redaction
        self.clock = clock
    }

    public static let wallClock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

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
            now: self.clock(),
            redaction: self.redaction
        )
        self.watchedSession.registered(id)
        let box = UncheckedBox(tracker)
        eventLoop.execute { shard.add(box.value) }
        return { event in shard.apply(event, to: box.value) }
    }

    private func shard(for eventLoop: any EventLoop) -> Shard {
        self.registry.withLock { registry in
            let key = ObjectIdentifier(eventLoop)
            if let shard = registry.shards[key] { return shard }
            let shard = Shard(eventLoop: eventLoop, ordinal: registry.shards.count, watched: self.watchedSession)
            registry.shards[key] = shard
            if let interval = registry.publishInterval {
                registry.publishingTasks.append(self.schedulePublishing(of: shard, every: interval))
            }
            return shard
        }
    }

    private var allShards: [Shard] { self.registry.withLock { Array($0.shards.values) } }

    /// Which session's detail snapshots include (nil: none). The watched session also
    /// keeps its received messages whole, for the frame log.
    public func watch(_ id: Int?) {
        self.watchedSession.id = id
    }

    private var watched: Int? { self.watchedSession.id }

    /// Watches the first session registered from now on, unless `watch` chose one: the
    /// session a dashboard selects at start then keeps the messages that arrive at open.
    public func watchFirstSession() {
        self.watchedSession.watchesFirst.store(true, ordering: .relaxed)
    }

    /// Publishes a snapshot from every loop every `interval` (for a dashboard's refresh),
    /// loops of sessions registered later included; `latest()` then reads them without
    /// asking any loop.
    public func startPublishing(every interval: Duration) {
        let interval = TimeAmount(interval)
        self.registry.withLock { registry in
            guard registry.publishInterval == nil else { return }
            registry.publishInterval = interval
            registry.publishingTasks = registry.shards.values.map { self.schedulePublishing(of: $0, every: interval) }
        }
    }

    private func schedulePublishing(of shard: Shard, every interval: TimeAmount) -> RepeatedTask {
        shard.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { [self] _ in
            shard.publish(now: self.clock(), watched: self.watched)
        }
    }

    /// The most recently published state, as of `now` (the monitor's clock by default).
    public func latest(now: Double? = nil) -> MonitorSnapshot {
        Self.merge(self.allShards.map(\.latest), now: now ?? self.clock())
    }

    /// Publishes every shard's snapshot now; call on the shards' loop (a replay's, which
    /// has one) after moving its time cursor, so the dashboard need not wait for a tick.
    public func publishNow() {
        let watched = self.watched
        for shard in self.allShards { shard.publish(now: self.clock(), watched: watched) }
    }

    /// Forgets every session (a replay going back in time registers them again).
    public func removeAllSessions() {
        let tasks = self.registry.withLock { registry in
            defer {
                registry.shards = [:]
                registry.publishingTasks = []
            }
            return registry.publishingTasks
        }
        for task in tasks { task.cancel() }
    }

    /// The session being watched (nil: none).
    public var watchedID: Int? { self.watched }

    /// A fresh snapshot as of `now` (seconds since 1970), gathered on every loop.
    public func collect(now: Double? = nil) async -> MonitorSnapshot {
        let now = now ?? self.clock()
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
        var textTables = Array(repeating: [SessionTexts](), count: (parts.map(\.ordinal).max() ?? -1) + 1)
        var detail: SessionDetail?
        var seconds: [Int64: SecondSample] = [:]
        for part in parts {
            textTables[part.ordinal] = part.texts
            detail = detail ?? part.detail
            totals.closeCodes.merge(part.closeCodes, uniquingKeysWith: +)
            totals.rejectionStatuses.merge(part.rejectionStatuses, uniquingKeysWith: +)
            totals.failures.merge(part.failures, uniquingKeysWith: +)
            // One shard (one event loop, the default) needs no merge: its stats are taken whole.
            if parts.count == 1 { totals.storm = part.storm } else { totals.storm.merge(part.storm) }
            for sample in part.history where sample.second != .min {
                var sum = seconds[sample.second] ?? SecondSample(second: sample.second)
                sum.messages += sample.messages
                sum.bytes += sample.bytes
                sum.reconnects += sample.reconnects
                seconds[sample.second] = sum
            }
        }
        let rows = self.mergedByID(parts.map(\.rows))
        var countsByState = [Int](repeating: 0, count: SessionState.allCases.count)
        for row in rows {
            countsByState[row.state.ordinal] += 1
            if row.stale != nil { totals.staleSessions += 1 }
            totals.rates1s = totals.rates1s + row.rates1s
            totals.rates10s = totals.rates10s + row.rates10s
        }
        for state in SessionState.allCases where countsByState[state.ordinal] > 0 {
            totals.sessionsByState[state] = countsByState[state.ordinal]
        }
        let current = Int64(now.rounded(.down))
        totals.history = (current - Int64(Shard.historySeconds)..<current).map {
            seconds[$0] ?? SecondSample(second: $0)
        }
        totals.reconnectsPerSecond =
            Double(totals.history.suffix(10).reduce(0) { $0 + $1.reconnects }) / 10
        return MonitorSnapshot(time: now, sessions: rows, textTables: textTables, totals: totals, detail: detail)
    }

    /// One array ordered by id from arrays each ordered by id (a shard's rows are in the
    /// order its sessions registered): a merge of a few runs, not a sort.
    static func mergedByID(_ runs: [[SessionSummary]]) -> [SessionSummary] {
        let runs = runs.filter { !$0.isEmpty }
        guard runs.count > 1 else { return runs.first ?? [] }
        guard runs.allSatisfy({ zip($0, $0.dropFirst()).allSatisfy { $0.id < $1.id } }) else {
            return runs.joined().sorted { $0.id < $1.id }
        }
        var merged: [SessionSummary] = []
        merged.reserveCapacity(runs.reduce(0) { $0 + $1.count })
        var positions = Array(repeating: 0, count: runs.count)
        while true {
            var best = -1
            for run in runs.indices where positions[run] < runs[run].count {
                if best < 0 || runs[run][positions[run]].id < runs[best][positions[best]].id { best = run }
            }
            guard best >= 0 else { return merged }
            merged.append(runs[best][positions[best]])
            positions[best] += 1
        }
    }

    /// Stops publishing.
    public func stopPublishing() {
        let tasks = self.registry.withLock { registry in
            defer {
                registry.publishInterval = nil
                registry.publishingTasks = []
            }
            return registry.publishingTasks
        }
        for task in tasks { task.cancel() }
    }
}

/// Which session is watched, shared by the monitor and its shards.
final class WatchedSession: Sendable {
    private let storage = Atomic<Int>(0)

    var id: Int? {
        get {
            let id = self.storage.load(ordering: .relaxed)
            return id == 0 ? nil : id
        }
        set {
            self.watchesFirst.store(false, ordering: .relaxed)
            self.storage.store(newValue ?? 0, ordering: .relaxed)
        }
    }

    /// Set by `Monitor.watchFirstSession`: the next session registered becomes watched.
    let watchesFirst = Atomic<Bool>(false)

    func registered(_ id: Int) {
        guard self.watchesFirst.exchange(false, ordering: .relaxed) else { return }
        _ = self.storage.compareExchange(expected: 0, desired: id, ordering: .relaxed)
    }
}

/// Hands a loop-confined object to that loop's closures.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
