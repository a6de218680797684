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

    private let queues = Mutex<[String: [Waiter]]>([:])

    /// Runs `proceed` on `eventLoop` once no other attempt to `endpoint` is connecting.
    /// Every call must be matched by one `leave(endpoint)`.
    func enter(_ endpoint: String, on eventLoop: any EventLoop, _ proceed: @escaping @Sendable () -> Void) {
        let runNow = self.queues.withLock { queues in
            if var waiting = queues[endpoint] {
                waiting.append(Waiter(eventLoop: eventLoop, proceed: proceed))
                queues[endpoint] = waiting
                return false
            }
            queues[endpoint] = []
            return true
        }
        if runNow { eventLoop.execute(proceed) }
    }

    func leave(_ endpoint: String) {
        let next: Waiter? = self.queues.withLock { queues in
            guard var waiting = queues[endpoint] else { return nil }
            if waiting.isEmpty {
                queues[endpoint] = nil
                return nil
            }
            let next = waiting.removeFirst()
            queues[endpoint] = waiting
            return next
        }
        if let next { next.eventLoop.execute(next.proceed) }
    }
}
