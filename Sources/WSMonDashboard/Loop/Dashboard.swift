import Foundation
import Synchronization
import WSMonMonitor

/// The running dashboard: a thread of its own that reads keys, takes the monitor's
/// published snapshot about ten times a second, and repaints what changed. It never waits
/// on a session and never touches one: what the user asks for goes to `requests`.
public final class Dashboard: Sendable {
    public static let refreshInterval = 0.1

    private let monitor: Monitor
    private let themes: [Theme]
    private let initialTheme: Int
    private let requests: @Sendable (DashboardRequest) -> Void
    /// A replay's time cursor, read at each refresh (nil live).
    private let replayStatus: (@Sendable () -> ReplayStatus)?
    private let stopRequested = Atomic<Bool>(false)
    /// A Ctrl-C (or SIGTERM) reached the program: show the same notice as q.
    private let interruptHeard = Atomic<Bool>(false)
    private let finished = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    public init(
        monitor: Monitor,
        themes: [Theme],
        initialTheme: Int,
        replayStatus: (@Sendable () -> ReplayStatus)? = nil,
        requests: @escaping @Sendable (DashboardRequest) -> Void
    ) {
        self.replayStatus = replayStatus
        self.monitor = monitor
        self.themes = themes
        self.initialTheme = initialTheme
        self.requests = requests
    }

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Takes over the terminal and starts drawing; throws when there is no usable terminal.
    public func start(environment: [String: String] = ProcessInfo.processInfo.environment) throws(StartError) {
        let terminal: NcursesTerminal
        do { terminal = try NcursesTerminal(environment: environment) } catch {
            throw StartError(description: error.description)
        }
        self.monitor.startPublishing(every: .seconds(Self.refreshInterval))
        // The first row is selected at start: it keeps the messages that arrive at open.
        self.monitor.watchFirstSession()
        let box = TerminalBox(terminal: terminal)
        let thread = Thread { [self] in
            self.run(on: box.terminal)
            box.terminal.close()
            self.monitor.stopPublishing()
            let waiter = self.finished.withLock { state in
                state.done = true
                return state.waiter
            }
            waiter?.resume()
        }
        thread.name = "wsmon dashboard"
        thread.start()
    }

    /// Stops drawing and gives the terminal back; returns once it is restored.
    public func stop() async {
        self.stopRequested.store(true, ordering: .relaxed)
        await withCheckedContinuation { continuation in
            let done = self.finished.withLock { state in
                if !state.done { state.waiter = continuation }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    /// Tells the dashboard the program is closing every session because of a signal (the
    /// first Ctrl-C), so it says so as it does for q.
    public func noteInterrupt() {
        self.interruptHeard.store(true, ordering: .relaxed)
    }

    private func run(on terminal: NcursesTerminal) {
        let size = terminal.size
        var model = DashboardModel(
            snapshot: self.monitor.latest(),
            width: size.width,
            height: size.height,
            themeNames: self.themes.map(\.name),
            themeIndex: self.initialTheme
        )
        let clock = ClockFormat(utcOffsetSeconds: Self.localUTCOffset())
        model.utcOffsetSeconds = Self.localUTCOffset()
        model.replay = self.replayStatus?()
        var painter = ScreenPainter()
        var themeIndex = model.themeIndex
        terminal.use(self.themes[themeIndex])
        var watched: Int?
        var nextRefresh = Self.now()
        while !self.stopRequested.load(ordering: .relaxed) {
            let wait = Int(max(0, nextRefresh - Self.now()) * 1000)
            var needsDrawing = false
            var input = terminal.read(waitingUpTo: wait)
            // Take every key already typed before drawing, so held keys do not lag.
            while let current = input {
                needsDrawing = true
                switch current {
                case .key(let key):
                    for request in model.handle(key) { self.requests(request) }
                case .resize(let width, let height):
                    model.resize(width: width, height: height)
                case .redraw:
                    painter.invalidate()
                }
                input = terminal.read(waitingUpTo: 0)
            }
            if self.interruptHeard.exchange(false, ordering: .relaxed) {
                model.noteInterrupt()
                needsDrawing = true
            }
            for output in model.takeOutputs() { self.carryOut(output, on: terminal, model: &model) }
            if Self.now() >= nextRefresh {
                if let status = self.replayStatus?() {
                    if let notice = status.notice, notice != model.replay?.notice {
                        model.setStatus(notice, isError: true)
                    }
                    model.replay = status
                }
                model.update(self.monitor.latest())
                nextRefresh = Self.now() + Self.refreshInterval
                needsDrawing = true
            }
            // No selection yet (no session registered): the monitor keeps watching the first.
            if let selected = model.selectedID, watched != selected {
                watched = selected
                self.monitor.watch(selected)
            }
            if model.themeIndex != themeIndex {
                themeIndex = model.themeIndex
                terminal.use(self.themes[themeIndex])
                painter.invalidate()
            }
            guard needsDrawing else { continue }
            let started = Self.now()
            painter.paint(DashboardView.render(model, clock: clock), on: terminal)
            model.drawStats.record(seconds: Self.now() - started)
        }
    }

    private func carryOut(_ output: DashboardOutput, on terminal: NcursesTerminal, model: inout DashboardModel) {
        switch output {
        case .copy(let base64):
            terminal.copyToClipboard(base64: base64)
        case .write(let path, let contents, let what):
            let error = FileExport.create(path, contents: contents)
            model.wrote(what, to: path, bytes: contents.count, error: error)
        }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The local time's offset from UTC, in seconds.
    public static func localUTCOffset() -> Int {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return parts.tm_gmtoff
    }
}

/// Hands the terminal, created on the caller's thread, to the dashboard's thread, which
/// is then its only user.
private struct TerminalBox: @unchecked Sendable {
    let terminal: NcursesTerminal
}
