import FoundationEssentials
import WSMonClient
import WSMonCore

/// What the sessions of one target on one event loop add up to, changed only on that loop,
/// so counting a message takes no lock and no atomic: the exporter reads these at scrape
/// time, on the loop. Per-connection events go to the target's `TargetSeries` at once.
final class TargetTally: @unchecked Sendable {
    let series: TargetSeries
    private var reading = TargetReading()

    init(series: TargetSeries) {
        self.series = series
    }

    var current: TargetReading { self.reading }

    /// Applies one of a session's events; `session` is that session's own state.
    func apply(_ event: SessionEvent, session: SessionMetrics) {
        switch event.kind {
        case .connection(.text(let text)):
            self.received(bytes: text.utf8.count, opcode: 0, at: event.time)
        case .connection(.binary(let bytes)):
            self.received(bytes: bytes.count, opcode: 1, at: event.time)
        case .messageSent(.text(let text)):
            self.reading.messages[2] += 1
            self.reading.payloadBytes[1] += text.utf8.count
        case .messageSent(.binary(let bytes)):
            self.reading.messages[3] += 1
            self.reading.payloadBytes[1] += bytes.count
        case .stateChanged(let state):
            if let previous = session.state { self.reading.sessionsByState[previous.ordinal] -= 1 }
            self.reading.sessionsByState[state.ordinal] += 1
            session.state = state
            if state != .open { self.setStale(false, session: session) }
        case .stale:
            self.setStale(true, session: session)
        case .fresh:
            self.setStale(false, session: session)
        case .opened(_, let isReconnect, let phases):
            session.openedAt = event.time
            self.series.openedAttempts.increment()
            (isReconnect ? self.series.reconnectOpens : self.series.firstOpens).increment()
            for entry in phases.entries {
                self.series.handshakePhases[entry.phase]?.record(entry.duration.seconds)
            }
        case .connectFailed(let error, _):
            self.series.attemptFailed(error.name)
        case .closed(let summary, _):
            self.series.closed(
                initiator: summary.initiator.rawValue,
                code: summary.code.rawValue,
                clean: summary.wasClean
            )
            if summary.isPongTimeout { self.series.pongTimeouts.increment() }
            if let openedAt = session.openedAt {
                self.series.connectionDuration.record(max(0, event.time.timeIntervalSince(openedAt)))
                session.openedAt = nil
            }
        case .connection(.violation(let violation)):
            self.series.violation(violation.name)
        case .roundTrip(_, let rtt):
            self.series.pingRTT.record(rtt.seconds)
        case .reconnectScheduled(let delay, _, _):
            self.series.reconnectDelay.record(delay.seconds)
        default:
            break
        }
    }

    private func received(bytes: Int, opcode: Int, at time: Date) {
        self.reading.messages[opcode] += 1
        self.reading.payloadBytes[0] += bytes
        let seconds = time.timeIntervalSince1970
        if seconds > self.reading.lastMessageTime { self.reading.lastMessageTime = seconds }
    }

    private func setStale(_ stale: Bool, session: SessionMetrics) {
        guard session.isStale != stale else { return }
        session.isStale = stale
        self.reading.staleSessions += stale ? 1 : -1
    }
}

/// One session's part of the metrics, kept on its loop: what its next event changes.
final class SessionMetrics: @unchecked Sendable {
    var state: SessionState?
    var isStale = false
    var openedAt: Date?
}

/// The counts of a tally at one moment, to add up across loops.
struct TargetReading: Sendable, Equatable {
    var sessionsByState = [Int](repeating: 0, count: SessionState.allCases.count)
    var staleSessions = 0
    /// Received text, received binary, sent text, sent binary.
    var messages = [Int](repeating: 0, count: 4)
    /// Received, sent.
    var payloadBytes = [0, 0]
    /// Seconds since 1970 (0: none yet).
    var lastMessageTime = 0.0

    static func + (left: TargetReading, right: TargetReading) -> TargetReading {
        var sum = left
        for index in sum.sessionsByState.indices { sum.sessionsByState[index] += right.sessionsByState[index] }
        sum.staleSessions += right.staleSessions
        for index in sum.messages.indices { sum.messages[index] += right.messages[index] }
        for index in sum.payloadBytes.indices { sum.payloadBytes[index] += right.payloadBytes[index] }
        sum.lastMessageTime = max(left.lastMessageTime, right.lastMessageTime)
        return sum
    }
}

extension Duration {
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
