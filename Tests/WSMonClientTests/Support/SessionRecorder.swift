import NIOCore
import NIOPosix
import Synchronization
import WSMonClient
import WSMonCore

/// Runs sessions and keeps their events, for end-to-end tests.
final class SessionRecorder: Sendable {
    private let events = Mutex<[SessionEvent]>([])
    let group: any EventLoopGroup

    init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
    }

    /// Starts a session whose events are recorded here; `react` runs on its event loop.
    @discardableResult
    func start(
        _ options: SessionOptions,
        id: Int = 1,
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        react: @escaping @Sendable (SessionEvent, Session) -> Void = { _, _ in }
    ) -> Session {
        let box = Box()
        let session = Session(id: id, options: options, eventLoop: self.group.next(), random: random) { event in
            self.events.withLock { $0.append(event) }
            if let session = box.session { react(event, session) }
        }
        box.session = session
        session.start()
        return session
    }

    private final class Box: @unchecked Sendable {
        var session: Session?
    }

    var all: [SessionEvent] { self.events.withLock { $0 } }

    func of(_ session: Int) -> [SessionEvent] { self.all.filter { $0.session == session } }

    /// Waits until `condition` holds for the recorded events (polling; bounded by `timeout`).
    @discardableResult
    func wait(
        timeout: Duration = .seconds(10),
        _ what: String = "condition",
        until condition: ([SessionEvent]) -> Bool
    ) async throws -> [SessionEvent] {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Checked after every wake-up, the late one included: a test kept off the CPU past
            // the deadline still sees the events that arrived in time.
            let events = self.all
            if condition(events) { return events }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TimeoutError(
            description: "timed out waiting for \(what); events: \(self.all.map { "\($0.kind)" }.suffix(30))"
        )
    }

    struct TimeoutError: Error, CustomStringConvertible {
        var description: String
    }
}

extension Array where Element == SessionEvent {
    var texts: [String] {
        self.compactMap {
            if case .connection(.text(let text)) = $0.kind { return text }
            return nil
        }
    }

    var stopped: StopReason? {
        self.lazy.compactMap {
            if case .stopped(let reason) = $0.kind { return reason }
            return nil
        }.first
    }

    var closeSummaries: [CloseSummary] {
        self.compactMap {
            if case .closed(let summary, _) = $0.kind { return summary }
            return nil
        }
    }

    var connectErrors: [ConnectError] {
        self.compactMap {
            if case .connectFailed(let error, _) = $0.kind { return error }
            return nil
        }
    }

    var opens: [(connection: Int, isReconnect: Bool)] {
        self.compactMap {
            if case .opened(_, let isReconnect, _) = $0.kind { return ($0.connection, isReconnect) }
            return nil
        }
    }

    var closeFramesSent: Int {
        self.count {
            if case .connection(.closeSent) = $0.kind { return true }
            return false
        }
    }
}
