import NIOCore
import Synchronization

/// RFC 6455 §4.1: "there MUST be no more than one connection in a CONNECTING state" to the
/// same host and port; further attempts wait their turn. Shared by all sessions of a process.
final class EndpointGate: Sendable {
    static let shared = EndpointGate()

    private struct Waiter: Sendable {
        let eventLoop: any EventLoop
        let proceed: @Sendable () -> Void
    }

    /// Waiters of one endpoint, first in first out, changed in place (10,000 sessions
    /// queue up behind one endpoint in a storm: no copy, no shifting per turn).
    private struct Queue: Sendable {
        private var waiters: [Waiter] = []
        private var head = 0

        var isEmpty: Bool { self.head == self.waiters.count }

        mutating func append(_ waiter: Waiter) { self.waiters.append(waiter) }

        mutating func removeFirst() -> Waiter {
            let waiter = self.waiters[self.head]
            self.head += 1
            if self.head >= 1024 && self.head * 2 >= self.waiters.count {
                self.waiters.removeFirst(self.head)
                self.head = 0
            }
            return waiter
        }
    }

    /// An endpoint has an entry while an attempt to it is connecting.
    private let queues = Mutex<[String: Queue]>([:])

    /// Runs `proceed` on `eventLoop` once no other attempt to `endpoint` is connecting.
    /// Every call must be matched by one `leave(endpoint)`.
    func enter(_ endpoint: String, on eventLoop: any EventLoop, _ proceed: @escaping @Sendable () -> Void) {
        let runNow = self.queues.withLock { queues in
            guard queues[endpoint] != nil else {
                queues[endpoint] = Queue()
                return true
            }
            queues[endpoint]!.append(Waiter(eventLoop: eventLoop, proceed: proceed))
            return false
        }
        if runNow { eventLoop.execute(proceed) }
    }

    func leave(_ endpoint: String) {
        let next: Waiter? = self.queues.withLock { queues in
            guard let queue = queues[endpoint] else { return nil }
            if queue.isEmpty {
                queues[endpoint] = nil
                return nil
            }
            return queues[endpoint]!.removeFirst()
        }
        if let next { next.eventLoop.execute(next.proceed) }
    }
}
