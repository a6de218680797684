import Dispatch
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import WSMonClient
import WSMonCore
import WSMonDashboard
import WSMonMetrics
import WSMonMonitor

/// Runs sessions: starts them with the monitor and the JSON Lines output attached, ends
/// the run on --duration, a signal or when every session has stopped, closes sessions
/// gracefully, and works out the exit status.
final class Runner: Sendable {
    enum Trigger: Sendable {
        case allStopped
        case closeAfter
        case duration
        /// SIGINT, SIGTERM or the dashboard's quit; `reason` becomes the sessions' stop reason.
        case interrupt(reason: String)
        /// An output failed: stdout's reader went away, or a write to stdout or the record
        /// failed. Sessions close gracefully; `fatal` failures end the run with status 74.
        case outputFailed(fatal: Bool)
        case gracePeriodOver
    }

    let group: MultiThreadedEventLoopGroup
    let monitor: Monitor
    /// With `--metrics`: the series the metrics server serves.
    let metrics: MetricsExporter?
    private let flags: RunFlags
    private let output: RunOutput
    private let tally = Mutex(OutcomeTally())
    /// Interrupts so far: the second ends the run at once, whatever the output is doing.
    private let interrupts = Atomic<Int>(0)
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
        // Headless, nothing shows the frame log: kept whole it would grow each session by
        // 500 frames (about 28 KB) over its first minutes.
        self.monitor = Monitor(frameLogCapacity: flags.headless ? 1 : flags.frameLog, redaction: flags.redaction)
        self.metrics = flags.metrics == nil ? nil : MetricsExporter(version: WSMonRoot.configuration.version)
        let (triggers, triggerContinuation) = AsyncStream.makeStream(of: Trigger.self)
        (self.triggers, self.triggerContinuation) = (triggers, triggerContinuation)
        self.output = try RunOutput(flags: flags) { output, failure in
            switch failure {
            case .readerClosed:
                // `| head -1` has what it wanted: close up, like any tool whose reader left.
                triggerContinuation.yield(.outputFailed(fatal: output != "stdout"))
            case .writeFailed(let detail):
                FileHandle.standardError.write(Data("wsmon: cannot write to \(output): \(detail)\n".utf8))
                triggerContinuation.yield(.outputFailed(fatal: true))
            }
        }
    }

    /// Creates and starts the sessions of `specs`; ids count from 1 in order.
    func start(_ specs: [SessionSpec]) -> [Session] {
        var created: [Session] = []
        var all: [(id: Int, options: SessionOptions, target: String)] = []
        var id = 0
        for spec in specs {
            for copy in 1...spec.count {
                id += 1
                var options = spec.options
                if spec.count > 1 { options.name += " #\(copy)" }
                // Copies share their target: the series stay one per name, not per copy.
                let target = MetricsTarget.label(name: spec.options.name, url: spec.options.url)
                all.append((id, options, target))
            }
        }
        self.output.begin(sessions: all.map { ($0.id, $0.options) })
        for (id, options, target) in all {
            created.append(self.makeSession(id: id, options: options, target: target))
        }
        self.longestCloseTimeout.withLock { longest in
            longest = specs.map { $0.options.closeTimeout + $0.options.transportCloseGrace }.max() ?? longest
        }
        self.sessions.withLock { $0 = created }
        for session in created { session.start() }
        if created.isEmpty { self.trigger(.allStopped) }
        return created
    }

    private func makeSession(id: Int, options: SessionOptions, target: String) -> Session {
        let eventLoop = self.group.next()
        let monitorSink = self.monitor.register(id: id, options: options, on: eventLoop)
        let metricsSink = self.metrics?.sink(forTarget: target, on: eventLoop)
        let prefix = EventLine.SessionPrefix(
            session: id,
            name: self.flags.redaction.text(options.name),
            tls: options.url.isSecure ? options.tls : nil
        )
        let output = self.output.isEmpty ? nil : self.output
        let box = SessionBox()
        let session = Session(id: id, options: options, eventLoop: eventLoop) { [self] event in
            monitorSink(event)
            metricsSink?(event)
            if let output, let session = box.session { output.write(event, prefix: prefix, from: session) }
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
        box.session = session
        return session
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
        case .quit: self.trigger(.interrupt(reason: "quit from the dashboard"))
        case .replay: break  // a live run has no time cursor
        }
    }

    func trigger(_ trigger: Trigger) {
        if case .interrupt = trigger, self.interrupts.add(1, ordering: .relaxed).newValue >= 2 {
            // Whatever the run is waiting for now (a blocked stdout included), stop waiting.
            self.output.abandon()
        }
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
            self.trigger(.interrupt(reason: "interrupted"))
        }
        defer { signals.cancel() }
        var interrupts = 0
        var forced = false
        var outputFailed = false
        loop: for await trigger in self.triggers {
            switch trigger {
            case .allStopped:
                if staysWhenAllStop && !self.shuttingDown.load(ordering: .relaxed) { continue }
                break loop
            case .closeAfter:
                self.closeAll(
                    code: CloseCode(self.flags.closeCode),
                    reason: self.flags.closeReason,
                    stopReason: .runEnded("close-after reached")
                )
            case .duration:
                self.closeAll(
                    code: .goingAway,
                    reason: "wsmon: duration elapsed",
                    stopReason: .runEnded("duration reached")
                )
            case .interrupt(let why):
                interrupts += 1
                if interrupts > 1 {
                    forced = true
                    break loop
                }
                self.closeAll(code: .goingAway, reason: "wsmon exiting", stopReason: .runEnded(why))
            case .outputFailed(let fatal):
                outputFailed = outputFailed || fatal
                self.closeAll(code: .goingAway, reason: "wsmon exiting", stopReason: .runEnded("output closed"))
            case .gracePeriodOver:
                break loop
            }
        }
        if forced { self.output.writeCutShort(at: Date()) }
        // A blocked stdout must not hold the exit: what cannot be written in time is given up.
        let unwritten = await self.output.finish(within: forced ? .milliseconds(500) : .seconds(2))
        for (output, bytes) in unwritten {
            FileHandle.standardError.write(Data("wsmon: \(output) is blocked: \(bytes) bytes not written\n".utf8))
        }
        if forced { return .interrupted }
        if outputFailed { return .outputFailed }
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
    func closeAll(code: CloseCode, reason: String, stopReason: StopReason) {
        self.shuttingDown.store(true, ordering: .relaxed)
        let sessions = self.sessions.withLock { $0 }
        for session in sessions { session.close(code: code, reason: reason, stopReason: stopReason) }
        if self.stopped.withLock({ $0.count }) == sessions.count { self.trigger(.allStopped) }
        let limit = self.longestCloseTimeout.withLock { $0 } + .seconds(1)
        Task { [self] in
            try? await Task.sleep(for: limit)
            self.trigger(.gracePeriodOver)
        }
    }
}

/// Lets a session's sink reach its session (set right after creation, before it starts).
private final class SessionBox: @unchecked Sendable {
    var session: Session?
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
