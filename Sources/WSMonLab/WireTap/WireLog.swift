import NIOCore
import Synchronization

/// What a tap has seen, and who is waiting to see something: each new record wakes the
/// waiters whose condition now holds, so a test waits for an event, never for time.
final class WireLog: Sendable {
    private struct Waiter: Sendable {
        var condition: @Sendable ([WireRecord]) -> Bool
        var continuation: CheckedContinuation<[WireRecord], any Error>
        var deadline: Scheduled<Void>?
    }

    private struct State {
        var records: [WireRecord] = []
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        var nextConnection = 1
        var stopped = false
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    var records: [WireRecord] { self.state.withLock { $0.records } }

    /// Numbers a newly accepted connection and records its acceptance.
    func accept() -> Int {
        let connection = self.state.withLock { state in
            defer { state.nextConnection += 1 }
            return state.nextConnection
        }
        self.append(connection, .accepted)
        return connection
    }

    func append(_ connection: Int, _ event: WireEvent) {
        let record = WireRecord(connection: connection, at: ContinuousClock.now - self.started, event: event)
        let (woken, records) = self.state.withLock { state in
            state.records.append(record)
            let ready = state.waiters.filter { $0.value.condition(state.records) }
            for id in ready.keys { state.waiters[id] = nil }
            return (Array(ready.values), state.records)
        }
        for waiter in woken {
            waiter.deadline?.cancel()
            waiter.continuation.resume(returning: records)
        }
    }

    /// Returns the records once `condition` holds for them, or throws after `timeout`
    /// (timed on `eventLoop`) or when the tap stops.
    func wait(
        until condition: @escaping @Sendable ([WireRecord]) -> Bool,
        timeout: Duration,
        on eventLoop: any EventLoop
    ) async throws -> [WireRecord] {
        try await withCheckedThrowingContinuation { continuation in
            let registration = self.state.withLock { state -> Registration in
                if condition(state.records) { return .satisfied(state.records) }
                if state.stopped { return .refused(state.records) }
                let id = state.nextWaiter
                state.nextWaiter += 1
                state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                return .waiting(id)
            }
            switch registration {
            case .satisfied(let records):
                continuation.resume(returning: records)
            case .refused(let records):
                continuation.resume(throwing: WireTap.WaitError(reason: "the tap is stopped", seen: records))
            case .waiting(let id):
                let deadline = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                    self.fail(id, because: "timed out after \(timeout)")
                }
                let stillWaiting = self.state.withLock { state in
                    state.waiters[id]?.deadline = deadline
                    return state.waiters[id] != nil
                }
                if !stillWaiting { deadline.cancel() }
            }
        }
    }

    private enum Registration: Sendable {
        case satisfied([WireRecord])
        case refused([WireRecord])
        case waiting(Int)
    }

    /// Wakes every waiter with an error; later waits fail at once unless already satisfied.
    func stop() {
        let waiting = self.state.withLock { state in
            state.stopped = true
            return Array(state.waiters.keys)
        }
        for id in waiting { self.fail(id, because: "the tap is stopped") }
    }

    private func fail(_ id: Int, because reason: String) {
        let (waiter, records) = self.state.withLock { state in
            (state.waiters.removeValue(forKey: id), state.records)
        }
        guard let waiter else { return }
        waiter.deadline?.cancel()
        waiter.continuation.resume(throwing: WireTap.WaitError(reason: reason, seen: records))
    }
}
