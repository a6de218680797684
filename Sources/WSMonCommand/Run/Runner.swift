import Dispatch
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import WSMonClient
import WSMonCore
import WSMonDashboard
import WSMonMonitor

/// Runs sessions: starts them with the monitor and the JSON Lines output attached, ends
/// the run on --duration, a signal or when every session has stopped, closes sessions
/// gracefully, and works out the exit status.
final class Runner: Sendable {
    enum Trigger: Sendable {
        case allStopped
        case closeAfter
        case duration
        case interrupt
        case gracePeriodOver
    }

    let group: MultiThreadedEventLoopGroup
    let monitor: Monitor
    private let flags: RunFlags
    private let writer: LineWriter?
    private let encoder: EventLine
    private let tally = Mutex(OutcomeTally())
    private let shuttingDown = Atomic<Bool>(false)
    /// Sessions that have stopped (a dashboard's reconnect can start one again).
    private let stopped = Mutex<Set<Int>>([])
    private let sessions = Mutex<[Session]>([])
    private let triggers: AsyncStream<Trigger>
    private let triggerContinuation: AsyncStream<Trigger>.Continuation
    private let longestCloseTimeout = Mutex<Duration>(.seconds(10))

    init(flags: RunFlags, group: MultiThreadedEventLoopGroup) throws {
        self.flags = flags
        self.group = group
        self.monitor = Monitor(frameLogCapacity: flags.frameLog)
        var descriptors: [Int32] = []
        if flags.headless { descriptors.append(STDOUT_FILENO) }
        if let path = flags.record { descriptors.append(try LineWriter.openFile(path)) }
        self.writer = descriptors.isEmpty ? nil : LineWriter(descriptors: descriptors)
        self.encoder = EventLine(includeFrames: flags.frames, textPreviewLimit: flags.previewLength)
        (self.triggers, self.triggerContinuation) = AsyncStream.makeStream(of: Trigger.self)
    }

    /// Creates and starts the sessions of `specs`; ids count from 1 in order.
    func start(_ specs: [SessionSpec]) -> [Session] {
        var created: [Session] = []
        var id = 0
        for spec in specs {
            for copy in 1...spec.count {
                id += 1
                var options = spec.options
                if spec.count > 1 { options.name += " #\(copy)" }
                created.append(self.makeSession(id: id, options: options))
            }
        }
        self.longestCloseTimeout.withLock { longest in
            longest = specs.map { $0.options.closeTimeout + $0.options.transportCloseGrace }.max() ?? longest
        }
        self.sessions.withLock { $0 = created }
        for session in created { session.start() }
        if created.isEmpty { self.trigger(.allStopped) }
        return created
    }

    private func makeSession(id: Int, options: SessionOptions) -> Session {
        let eventLoop = self.group.next()
        let monitorSink = self.monitor.register(id: id, options: options, on: eventLoop)
        let prefix = EventLine.SessionPrefix(session: id, name: options.name)
        return Session(id: id, options: options, eventLoop: eventLoop) { [self] event in
            monitorSink(event)
            if let writer = self.writer, let line = self.encoder.encode(event, prefix: prefix) { writer.write(line) }
            // Only what decides the exit status takes the shared lock, not every frame.
            switch event.kind {
            case .connectFailed, .closed:
                let shuttingDown = self.shuttingDown.load(ordering: .relaxed)
                self.tally.withLock { $0.observe(event, shuttingDown: shuttingDown) }
            case .stopped:
                let count = self.stopped.withLock { stopped in
                    stopped.insert(id)
                    return stopped.count
                }
                if count == self.sessions.withLock({ $0.count }) { self.trigger(.allStopped) }
            case .connecting:
                _ = self.stopped.withLock { $0.remove(id) }
            default:
                break
            }
        }
    }

    /// Carries out what the dashboard asks: a command to one session, or quitting (the
    /// first time gracefully, like Ctrl-C; the second time at once).
    func carryOut(_ request: DashboardRequest) {
        // Ids count from 1 in the order sessions were created.
        func session(_ id: Int) -> Session? {
            self.sessions.withLock { sessions in sessions.indices.contains(id - 1) ? sessions[id - 1] : nil }
        }
        switch request {
        case .send(let id, let message): session(id)?.send(message)
        case .close(let id, let code, let reason): session(id)?.close(code: code, reason: reason)
        case .ping(let id): session(id)?.ping()
        case .reconnect(let id): session(id)?.reconnectNow()
        case .drop(let id): session(id)?.dropConnection()
        case .quit: self.trigger(.interrupt)
        }
    }

    func trigger(_ trigger: Trigger) {
        self.triggerContinuation.yield(trigger)
    }

    /// Waits for the run to end (see `Trigger`) and returns its exit status. `--close-after`
    /// closes sessions with the chosen code and reason; --duration and the first interrupt
    /// close them with 1001; a second interrupt, or sessions that outlast their close
    /// timeouts, end the run at once. With `staysWhenAllStop` (the dashboard, where people
    /// inspect what happened) the run goes on when every session has stopped by itself,
    /// until the user quits. `onSignal` hears each SIGINT and SIGTERM (the dashboard says so).
    func wait(staysWhenAllStop: Bool = false, onSignal: @escaping @Sendable () -> Void = {}) async -> ExitStatus {
        self.scheduleTimers()
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { [self] in
            onSignal()
            self.trigger(.interrupt)
        }
        defer { signals.cancel() }
        var interrupts = 0
        var forced = false
        loop: for await trigger in self.triggers {
            switch trigger {
            case .allStopped:
                if staysWhenAllStop && !self.shuttingDown.load(ordering: .relaxed) { continue }
                break loop
            case .closeAfter:
                self.closeAll(code: CloseCode(self.flags.closeCode), reason: self.flags.closeReason)
            case .duration:
                self.closeAll(code: .goingAway, reason: "wsmon: duration elapsed")
            case .interrupt:
                interrupts += 1
                if interrupts > 1 {
                    forced = true
                    break loop
                }
                self.closeAll(code: .goingAway, reason: "wsmon exiting")
            case .gracePeriodOver:
                break loop
            }
        }
        self.writer?.close()
        if forced { return .interrupted }
        return self.tally.withLock { $0.status }
    }

    private func scheduleTimers() {
        if let closeAfter = self.flags.closeAfter?.value {
            Task { [self] in
                try? await Task.sleep(for: closeAfter)
                self.trigger(.closeAfter)
            }
        }
        if let duration = self.flags.duration?.value {
            Task { [self] in
                try? await Task.sleep(for: duration)
                self.trigger(.duration)
            }
        }
    }

    /// Closes every session gracefully; the run ends when all have stopped or, at the
    /// latest, after the longest close timeout and grace and one more second.
    func closeAll(code: CloseCode, reason: String) {
        self.shuttingDown.store(true, ordering: .relaxed)
        let sessions = self.sessions.withLock { $0 }
        for session in sessions { session.close(code: code, reason: reason) }
        if self.stopped.withLock({ $0.count }) == sessions.count { self.trigger(.allStopped) }
        let limit = self.longestCloseTimeout.withLock { $0 } + .seconds(1)
        Task { [self] in
            try? await Task.sleep(for: limit)
            self.trigger(.gracePeriodOver)
        }
    }
}

/// Calls `handler` when one of `signals` arrives, instead of the default action. The
/// sources are only created and cancelled, never changed (hence unchecked Sendable).
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        self.sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in self.sources { source.cancel() }
    }
}
