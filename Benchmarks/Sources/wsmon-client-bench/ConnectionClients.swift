import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import WSClient
import WSMonClient
import WSMonCore
import WebSocketKit

/// One client's connection-heavy workloads: (d) open many connections at once, (e) a
/// reconnect storm, (f) echo round trips with one message in flight.
struct ConnectionClient: Sendable {
    let name: String
    /// Opens `count` connections at once and returns the time until all are open; closes
    /// them all before it returns.
    let openAll: @Sendable (_ url: String, _ count: Int, _ group: any EventLoopGroup) async throws -> Duration
    /// Keeps `slots` connections, each reconnecting at once when the server drops it, for
    /// `window`; returns how many connections opened and the process's CPU seconds in it.
    let storm:
        @Sendable (_ url: String, _ slots: Int, _ window: Duration, _ group: any EventLoopGroup) async throws -> (
            opened: Int, cpuSeconds: Double
        )
    /// `count` round trips of a 32-byte text message, one in flight; the time they took.
    let echo: @Sendable (_ url: String, _ count: Int, _ group: any EventLoopGroup) async throws -> Duration
}

/// A thread-safe count, and the moment it reached `target`.
final class Tally: Sendable {
    private let state = NIOLockedValueBox((count: 0, reachedAt: ContinuousClock.Instant?.none))
    let target: Int

    init(target: Int = .max) {
        self.target = target
    }

    func add(_ amount: Int = 1) {
        self.state.withLockedValue { state in
            state.count += amount
            if state.count == self.target { state.reachedAt = .now }
        }
    }

    var count: Int { self.state.withLockedValue { $0.count } }

    /// Waits (polling every 10 ms, within `limit`) until the count reaches `target`; the
    /// moment it did.
    func reached(within limit: Duration = .seconds(120)) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let reachedAt = self.state.withLockedValue({ $0.reachedAt }) { return reachedAt }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchError("only \(self.count) of \(self.target) within \(limit)")
    }

    /// Waits (polling, within `limit`) until the count is back to zero.
    func drained(within limit: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + limit
        while self.count > 0 {
            guard ContinuousClock.now < deadline else { throw BenchError("\(self.count) still live after \(limit)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A one-shot signal many tasks wait for.
final class Release: Sendable {
    private let state = NIOLockedValueBox((released: false, waiters: [CheckedContinuation<Void, Never>]()))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = self.state.withLockedValue { state in
                if state.released { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func fire() {
        let waiters = self.state.withLockedValue { state in
            state.released = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Loop-confined state of one echo run.
final class EchoRun: @unchecked Sendable {
    var remaining: Int
    var start = ContinuousClock.now
    var session: Session?

    init(_ count: Int) {
        self.remaining = count
    }
}

enum ConnectionClients {
    static let echoText = String(repeating: "x", count: 32)
    static let quietLogger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    static func wsmonOptions(_ url: String, gated: Bool = false) throws -> SessionOptions {
        var options = try Clients.wsmonOptions(url)
        options.openTimeout = .seconds(60)
        // The peers open handshakes in parallel; so does wsmon here unless `gated`.
        options.reconnect.parallelHandshakes = !gated
        return options
    }

    static func wsmon(gated: Bool) -> ConnectionClient {
        ConnectionClient(
            name: gated ? "wsmon (Session, §4.1 gate)" : "wsmon (Session)",
            openAll: { url, count, group in
                let options = try wsmonOptions(url, gated: gated)
                let opened = Tally(target: count)
                let stopped = Tally(target: count)
                let eventLoop = group.next()
                let start = ContinuousClock.now
                let sessions = countedSessions(
                    count,
                    options: options,
                    eventLoop: eventLoop,
                    opened: opened,
                    stopped: stopped
                )
                for session in sessions { session.start() }
                let allOpen = try await opened.reached()
                for session in sessions { session.close() }
                _ = try await stopped.reached()
                return allOpen - start
            },
            storm: { url, slots, window, group in
                var options = try wsmonOptions(url, gated: gated)
                options.reconnect.isEnabled = true
                options.reconnect.backoffInitial = .zero
                let opened = Tally()
                let stopped = Tally(target: slots)
                let eventLoop = group.next()
                let cpuStart = Scale.cpuSeconds()
                let sessions = countedSessions(
                    slots,
                    options: options,
                    eventLoop: eventLoop,
                    opened: opened,
                    stopped: stopped
                )
                for session in sessions { session.start() }
                try await Task.sleep(for: window)
                let result = (opened.count, Scale.cpuSeconds() - cpuStart)
                for session in sessions { session.close() }
                _ = try await stopped.reached()
                return result
            },
            echo: { url, count, group in
                let run = EchoRun(count)
                let options = try wsmonOptions(url)
                return await withCheckedContinuation { continuation in
                    run.session = Session(id: 1, options: options, eventLoop: group.next()) { event in
                        switch event.kind {
                        case .opened:
                            run.start = .now
                            run.session?.send(.text(echoText))
                        case .connection(.text):
                            run.remaining -= 1
                            if run.remaining == 0 {
                                continuation.resume(returning: .now - run.start)
                                run.session?.close()
                            } else {
                                run.session?.send(.text(echoText))
                            }
                        default:
                            break
                        }
                    }
                    run.session?.start()
                }
            }
        )
    }

    static let websocketKit = ConnectionClient(
        name: "vapor websocket-kit 2.16.2",
        openAll: { url, count, group in
            let opened = Tally(target: count)
            let closed = Tally(target: count)
            let sockets = NIOLockedValueBox([WebSocket]())
            let start = ContinuousClock.now
            for _ in 0..<count {
                WebSocket.connect(to: url, configuration: .init(maxFrameSize: Clients.maxSize), on: group) { ws in
                    sockets.withLockedValue { $0.append(ws) }
                    ws.onClose.whenComplete { _ in closed.add() }
                    opened.add()
                }.whenFailure { error in print("  websocket-kit: \(error)") }
            }
            let allOpen = try await opened.reached()
            for ws in sockets.withLockedValue({ $0 }) { ws.close(promise: nil) }
            _ = try await closed.reached()
            return allOpen - start
        },
        storm: { url, slots, window, group in
            try await reconnectingSlots(slots, for: window) { opened, ended in
                WebSocket.connect(to: url, configuration: .init(maxFrameSize: Clients.maxSize), on: group) { ws in
                    opened()
                    ws.onClose.whenComplete { _ in ended() }
                }.whenFailure { _ in ended() }
            }
        },
        echo: { url, count, group in
            let run = EchoRun(count)
            return try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Duration, any Error>) in
                let inner = CheckedContinuationBox(continuation)
                WebSocket.connect(to: url, configuration: .init(maxFrameSize: Clients.maxSize), on: group) { ws in
                    ws.onText { ws, _ in
                        run.remaining -= 1
                        if run.remaining == 0 {
                            inner.resume(.now - run.start)
                            ws.close(promise: nil)
                        } else {
                            ws.send(echoText)
                        }
                    }
                    run.start = .now
                    ws.send(echoText)
                }.whenFailure { inner.fail($0) }
            }
        }
    )

    /// The storm for a client with no reconnect of its own (websocket-kit, the NIO floor):
    /// `slots` connections, each slot connecting again when its connection ends, for `window`.
    /// `connect` makes one attempt and calls `opened` once it is open and `ended` once it is
    /// over, closed or failed. Returns the opens and the process's CPU seconds in the window.
    static func reconnectingSlots(
        _ slots: Int,
        for window: Duration,
        connect:
            @escaping @Sendable (_ opened: @escaping @Sendable () -> Void, _ ended: @escaping @Sendable () -> Void)
            -> Void
    ) async throws -> (opened: Int, cpuSeconds: Double) {
        let opened = Tally()
        let live = Tally()
        let running = NIOLockedValueBox(true)
        @Sendable func attempt() {
            live.add()
            connect({ opened.add() }, ended)
        }
        @Sendable func ended() {
            live.add(-1)
            if running.withLockedValue({ $0 }) { attempt() }
        }
        let cpuStart = Scale.cpuSeconds()
        for _ in 0..<slots { attempt() }
        try await Task.sleep(for: window)
        let result = (opened.count, Scale.cpuSeconds() - cpuStart)
        running.withLockedValue { $0 = false }
        try await live.drained()
        return result
    }

    static let hummingbird = ConnectionClient(
        name: "hummingbird WSClient 1.6.2",
        openAll: { url, count, group in
            let opened = Tally(target: count)
            let release = Release()
            let start = ContinuousClock.now
            return try await withThrowingTaskGroup(of: Void.self) { tasks in
                for _ in 0..<count {
                    tasks.addTask {
                        try await WebSocketClient.connect(url: url, eventLoopGroup: group, logger: quietLogger) {
                            _,
                            _,
                            _ in
                            opened.add()
                            await release.wait()
                        }
                    }
                }
                let allOpen = try await opened.reached()
                release.fire()
                try await tasks.waitForAll()
                return allOpen - start
            }
        },
        storm: { url, slots, window, group in
            let opened = Tally()
            let running = NIOLockedValueBox(true)
            let cpuStart = Scale.cpuSeconds()
            return try await withThrowingTaskGroup(of: Void.self) { tasks in
                for _ in 0..<slots {
                    tasks.addTask {
                        while running.withLockedValue({ $0 }) {
                            _ = try? await WebSocketClient.connect(url: url, eventLoopGroup: group, logger: quietLogger)
                            {
                                inbound,
                                _,
                                _ in
                                opened.add()
                                for try await _ in inbound {}
                            }
                        }
                    }
                }
                try await Task.sleep(for: window)
                let result = (opened.count, Scale.cpuSeconds() - cpuStart)
                running.withLockedValue { $0 = false }
                try await tasks.waitForAll()
                return result
            }
        },
        echo: { url, count, group in
            let elapsed = DurationBox()
            try await WebSocketClient.connect(
                url: url,
                configuration: .init(maxFrameSize: Clients.maxSize),
                eventLoopGroup: group,
                logger: quietLogger
            ) { inbound, outbound, _ in
                let start = ContinuousClock.now
                var remaining = count
                try await outbound.write(.text(echoText))
                for try await _ in inbound.messages(maxSize: Clients.maxSize) {
                    remaining -= 1
                    if remaining == 0 {
                        elapsed.value = .now - start
                        break
                    }
                    try await outbound.write(.text(echoText))
                }
            }
            return elapsed.value
        }
    )
}

/// `count` sessions whose opens and stops are counted in `opened` and `stopped`.
private func countedSessions(
    _ count: Int,
    options: SessionOptions,
    eventLoop: any EventLoop,
    opened: Tally,
    stopped: Tally
) -> [Session] {
    (1...count).map { id in
        Session(id: id, options: options, eventLoop: eventLoop) { event in
            switch event.kind {
            case .opened: opened.add()
            case .stopped: stopped.add()
            default: break
            }
        }
    }
}
