import Foundation
import NIOCore
import NIOPosix
import Synchronization
import WSMonClient
import WSMonDashboard
import WSMonMonitor

/// Plays a recording into a monitor on a virtual clock: the monitor, its shard and the
/// dashboard are the live run's; only the events come from the file and the time from the
/// cursor. Going back in time replays from the start into a fresh set of trackers (the
/// monitor keeps no history to undo), and so does watching another session, whose kept
/// messages then fill in as they would have live.
final class Replayer: @unchecked Sendable {
    /// How often a playing replay moves its cursor.
    static let tick = TimeAmount.milliseconds(20)

    let recording: Recording
    let monitor: Monitor
    let loop: any EventLoop
    private let clock: VirtualClock
    // Changed on `loop` only.
    private var next = 0
    private var speed = 1.0
    private var playing = true
    private var sinks: [Int: @Sendable (SessionEvent) -> Void] = [:]
    private var watchedWhenBuilt: Int?
    private var problem: String?
    private var lastTick = NIODeadline.now()
    private var ticking: RepeatedTask?
    private let status: Mutex<ReplayStatus>

    init(recording: Recording, loop: any EventLoop, frameLogCapacity: Int = 500) {
        self.recording = recording
        self.loop = loop
        let clock = VirtualClock(recording.start)
        self.clock = clock
        self.monitor = Monitor(frameLogCapacity: frameLogCapacity) { clock.now }
        self.status = Mutex(
            ReplayStatus(
                time: recording.start,
                start: recording.start,
                end: recording.end,
                speed: 1,
                isPlaying: true,
                position: 0,
                count: recording.lines.count,
                notice: recording.notices.first
            )
        )
    }

    var currentStatus: ReplayStatus { self.status.withLock { $0 } }

    /// Registers the sessions and moves to `time` (the start when nil); `playing` says
    /// whether the cursor then runs. `watching` is the session whose messages are kept (the
    /// first, which the dashboard selects first, when nil).
    func start(at time: Double?, playing: Bool, watching: Int? = nil) async {
        try? await self.loop.submit { [self] in
            self.playing = playing
            // Watched before the trackers exist, as live, so its messages are kept from the start.
            if let id = watching ?? self.recording.sessions.first?.id { self.monitor.watch(id) }
            self.rebuild()
        }.get()
        // The trackers are added by tasks the registration queued: apply after them.
        try? await self.loop.submit { [self] in
            self.apply(until: self.index(after: time ?? self.recording.start))
            self.clock.now = time ?? self.recording.start
            self.published()
            self.lastTick = .now()
            self.ticking = self.loop.scheduleRepeatedTask(initialDelay: Self.tick, delay: Self.tick) { [self] _ in
                self.advance()
            }
        }.get()
    }

    func stop() {
        self.loop.execute { self.ticking?.cancel() }
    }

    /// Carries out a replay key.
    func carryOut(_ command: ReplayCommand) {
        self.loop.execute { [self] in
            switch command {
            case .playOrPause:
                if !self.playing && self.next >= self.recording.lines.count {
                    self.go(toIndex: 0, time: self.recording.start)
                }
                self.playing.toggle()
            case .step(let forward):
                self.playing = false
                if forward {
                    guard self.next < self.recording.lines.count else { break }
                    self.apply(until: self.next + 1)
                    self.clock.now = self.recording.lines[self.next - 1].time
                } else if self.next > 0 {
                    let target = self.next - 1
                    self.go(
                        toIndex: target,
                        time: target > 0 ? self.recording.lines[target - 1].time : self.recording.start
                    )
                }
            case .speed(let faster):
                let speeds = ReplayStatus.speeds
                let current = speeds.firstIndex { $0 >= self.speed } ?? speeds.count - 1
                self.speed = speeds[max(0, min(speeds.count - 1, current + (faster ? 1 : -1)))]
            case .jump(let session, let forward):
                self.playing = false
                self.jump(session: session, forward: forward)
            case .seek(let time):
                let time = min(max(time, self.recording.start), self.recording.end)
                self.go(toIndex: self.index(after: time), time: time)
            }
            self.published()
        }
    }

    /// The first line after `time`: every line at or before it is applied.
    private func index(after time: Double) -> Int {
        var (low, high) = (0, self.recording.lines.count)
        while low < high {
            let middle = (low + high) / 2
            if self.recording.lines[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func jump(session: Int, forward: Bool) {
        let lines = self.recording.lines
        let ends = { (index: Int) in Int(lines[index].session) == session && lines[index].endsConnection }
        if forward {
            guard let found = (self.next..<lines.count).first(where: ends) else { return self.note("no later close") }
            self.apply(until: found + 1)
            self.clock.now = lines[found].time
        } else {
            // Before the close the cursor is on, if it is on one.
            let last = self.next - 1
            let before = last >= 0 && ends(last) ? last : self.next
            guard let found = (0..<before).last(where: ends) else { return self.note("no earlier close") }
            self.go(toIndex: found + 1, time: lines[found].time)
        }
    }

    private func note(_ text: String) {
        self.status.withLock { $0.notice = text }
    }

    /// Applies lines up to `index` (excluded), from the start when that is behind.
    private func go(toIndex index: Int, time: Double) {
        let finish: @Sendable () -> Void = { [self] in
            self.apply(until: index)
            self.clock.now = time
            self.published()
        }
        guard index < self.next else { return finish() }
        self.rebuild()
        // Trackers just registered are added by tasks queued on the loop: finish after them.
        self.loop.execute(finish)
    }

    /// Forgets every tracker and registers the sessions again, to replay from the start.
    private func rebuild() {
        self.monitor.removeAllSessions()
        // Sessions registered when the record began, as they were live.
        self.clock.now = self.recording.headerTime
        self.sinks = [:]
        for (id, options) in self.recording.sessions {
            self.sinks[id] = self.monitor.register(id: id, options: options, on: self.loop)
        }
        self.watchedWhenBuilt = self.monitor.watchedID
        self.next = 0
        self.problem = nil
    }

    private func apply(until end: Int) {
        let end = min(end, self.recording.lines.count)
        while self.next < end, self.problem == nil {
            do {
                if let event = try self.recording.event(at: self.next) {
                    // Times move with the events, so a tracker registered "now" is not later.
                    self.clock.now = max(self.clock.now, event.time.timeIntervalSince1970)
                    self.sinks[event.session]?(event)
                }
                self.next += 1
            } catch {
                self.problem = "\(error)"
                self.playing = false
                self.note("replay stopped: \(error)")
            }
        }
    }

    /// One tick of a playing replay: the cursor moves by the time elapsed times the speed.
    private func advance() {
        let now = NIODeadline.now()
        let elapsed = Double((now - self.lastTick).nanoseconds) / 1e9
        self.lastTick = now
        if self.monitor.watchedID != self.watchedWhenBuilt {
            // Another session is watched: replay it from the start so its messages are kept.
            let (index, time) = (self.next, self.clock.now)
            self.rebuild()
            self.loop.execute { [self] in
                self.apply(until: index)
                self.clock.now = time
                self.published()
            }
            return
        }
        guard self.playing, self.problem == nil else { return self.published() }
        let time = min(self.clock.now + elapsed * self.speed, self.recording.end)
        self.apply(until: self.index(after: time))
        self.clock.now = time
        if self.next >= self.recording.lines.count { self.playing = false }
        self.published()
    }

    private func published() {
        self.monitor.publishNow()
        let (time, speed, playing, position) = (self.clock.now, self.speed, self.playing, self.next)
        self.status.withLock { status in
            status.time = time
            status.speed = speed
            status.isPlaying = playing
            status.position = position
        }
    }
}

/// The replay's time, which the monitor reads as its clock.
final class VirtualClock: Sendable {
    private let bits: Atomic<UInt64>

    init(_ time: Double) {
        self.bits = Atomic(time.bitPattern)
    }

    var now: Double {
        get { Double(bitPattern: self.bits.load(ordering: .relaxed)) }
        set { self.bits.store(newValue.bitPattern, ordering: .relaxed) }
    }
}
