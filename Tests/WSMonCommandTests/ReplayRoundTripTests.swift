import Foundation
import NIOPosix
import Synchronization
import Testing
import WSMonClient
import WSMonCore
import WSMonDashboard
import WSMonLab
import WSMonMonitor

@testable import WSMonCommand

/// A lab run recorded through the run's own output and replayed: at three instants (and at
/// the end) the replayed dashboard, drawn into the cell grid, is the one a monitor fed with
/// the run's own events draws, as the run's was fed (every tab: table, frame log, close
/// inspector, headers, reconnects, storm). The run's times are taken to the microsecond, as
/// a record keeps them.
@Suite("Replay round trip", .serialized)
struct ReplayRoundTripTests {
    /// The events as the sessions emitted them, in order (one loop, so one order).
    final class EventLog: Sendable {
        let events = Mutex<[SessionEvent]>([])
        func append(_ event: SessionEvent) { self.events.withLock { $0.append(event) } }
        var all: [SessionEvent] { self.events.withLock { $0 } }
    }

    final class SessionBox: @unchecked Sendable {
        var session: Session?
    }

    struct Run {
        var path: String
        var events: [SessionEvent]
        var sessions: [(id: Int, options: SessionOptions)]
        var began: Double
    }

    /// Storm (drops and reconnects), half-close, double close, violations, a rejection, the
    /// last message before a close, recorded with --frames.
    static func recordLabRun() async throws -> Run {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let path = RecordTests.temporaryPath("round-trip")
        let flags = try RunFlags.parse(["--record", path, "--frames"])
        let output = try RunOutput(flags: flags) { _, _ in }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let paths = [
            "/drop?after=0.2", "/half-close?after=0.1", "/double-close", "/violation/rsv", "/violation/close-1005",
            "/reject?status=503", "/last-message-then-close", "/echo?close-after=0.3&code=4000&reason=done",
        ]
        var sessions: [(id: Int, options: SessionOptions)] = []
        for (index, scenario) in paths.enumerated() {
            var options = SessionOptions(url: try WebSocketURL(parsing: lab.url(scenario)), name: scenario)
            options.pingInterval = nil
            options.closeTimeout = .seconds(1)
            options.transportCloseGrace = .milliseconds(300)
            options.messagesOnOpen = [.text(#"{"op":"subscribe"}"#)]
            if index == 0 {
                options.reconnect.backoffInitial = .milliseconds(50)
                options.reconnect.maxAttempts = 3
            } else {
                options.reconnect.isEnabled = false
            }
            sessions.append((index + 1, options))
        }
        output.begin(sessions: sessions)
        let log = EventLog()
        var running: [Session] = []
        for (id, options) in sessions {
            let prefix = EventLine.SessionPrefix(session: id, name: options.name, tls: nil)
            let box = SessionBox()
            let session = Session(id: id, options: options, eventLoop: loop) { event in
                log.append(event)
                if let session = box.session { output.write(event, prefix: prefix, from: session) }
            }
            box.session = session
            running.append(session)
        }
        for session in running { session.start() }
        // The others stop at once; the storm session reconnects until it is closed, after a
        // few drops. Every session has stopped before the record is finished.
        func stopped() -> Set<Int> {
            Set(
                log.all.compactMap { event -> Int? in
                    if case .stopped = event.kind { return event.session }
                    return nil
                }
            )
        }
        func opens(of session: Int) -> Int {
            log.all.filter { event in
                guard event.session == session, case .opened = event.kind else { return false }
                return true
            }.count
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, stopped().count < sessions.count - 1 || opens(of: 1) < 3 {
            try await Task.sleep(for: .milliseconds(20))
        }
        for session in running { session.close() }
        while ContinuousClock.now < deadline, stopped().count < sessions.count {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await output.finish(within: .seconds(10)).isEmpty)
        // A record keeps times to the microsecond: the run's events are compared at that.
        let events = log.all.map { event in
            var event = event
            let time = event.time.timeIntervalSince1970
            let whole = time.rounded(.down)
            let micros = min(999_999, Int(((time - whole) * 1e6).rounded()))
            event.time = Date(timeIntervalSince1970: whole + Double(micros) / 1e6)
            return event
        }
        let began = try Recording(paths: [path]).headerTime
        return Run(path: path, events: events, sessions: sessions, began: began)
    }

    /// Every tab of the dashboard for `snapshot`, with `session` selected.
    static func screens(_ snapshot: MonitorSnapshot, selecting session: Int) -> [[String]] {
        var model = DashboardModel(snapshot: snapshot, width: 120, height: 40, themeNames: ["default"], themeIndex: 0)
        model.selectedID = session
        return DashboardModel.DetailTab.allCases.map { tab in
            model.tab = tab
            return DashboardView.render(model, clock: ClockFormat(utcOffsetSeconds: 0)).lines
        }
    }

    /// What the run's own events show at `time`: a monitor fed with them, as the run's was.
    static func live(_ run: Run, through index: Int, watching session: Int) async throws -> MonitorSnapshot {
        let clock = VirtualClock(run.began)
        let monitor = Monitor { clock.now }
        monitor.watch(session)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        var sinks: [Int: @Sendable (SessionEvent) -> Void] = [:]
        for (id, options) in run.sessions { sinks[id] = monitor.register(id: id, options: options, on: loop) }
        let events = Array(run.events[...index])
        let feeding = sinks
        try await loop.submit {
            for event in events { feeding[event.session]?(event) }
        }.get()
        let time = run.events[index].time.timeIntervalSince1970
        clock.now = time
        return await monitor.collect(now: time)
    }

    static func replayed(_ run: Run, at time: Double, watching session: Int) async throws -> MonitorSnapshot {
        let recording = try Recording(paths: [run.path])
        let replayer = Replayer(recording: recording, loop: MultiThreadedEventLoopGroup.singleton.next())
        await replayer.start(at: time, playing: false, watching: session)
        defer { replayer.stop() }
        return await replayer.monitor.collect(now: time)
    }

    @Test func theReplayedDashboardIsTheLiveOneAtThreeInstants() async throws {
        let run = try await Self.recordLabRun()
        defer { try? FileManager.default.removeItem(atPath: run.path) }
        let kinds = Set(run.events.map { "\($0.kind)".prefix(while: { $0 != "(" }) })
        #expect(kinds.isSuperset(of: ["connecting", "opened", "closed", "connectFailed", "reconnectScheduled"]))
        // Instants between two events (so time and order agree), spread over the run, each
        // with the session of its event selected.
        var latest = Date.distantPast
        let candidates = run.events.indices.dropLast().filter { index in
            latest = max(latest, run.events[index].time)
            return run.events[index].time == latest && latest < run.events[index + 1].time
        }
        let instants = [candidates.count / 3, candidates.count * 2 / 3, candidates.count - 1].map { candidates[$0] }
        for index in instants + [run.events.count - 1] {
            let event = run.events[index]
            let live = try await Self.live(run, through: index, watching: event.session)
            let replayed = try await Self.replayed(run, at: event.time.timeIntervalSince1970, watching: event.session)
            #expect(replayed.sessions == live.sessions, "the table's rows at event \(index)")
            let liveScreens = Self.screens(live, selecting: event.session)
            let replayedScreens = Self.screens(replayed, selecting: event.session)
            for (tab, (expected, drawn)) in zip(DashboardModel.DetailTab.allCases, zip(liveScreens, replayedScreens)) {
                let difference = zip(expected, drawn).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(
                    drawn == expected,
                    "\(tab.title) at event \(index), row \(difference?.offset ?? -1):\n  live   \(difference?.element.0 ?? "")\n  replay \(difference?.element.1 ?? "")"
                )
            }
        }
    }
}
