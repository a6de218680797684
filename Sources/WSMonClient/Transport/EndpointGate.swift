import NIOCore
import Synchronization

/// RFC 6455 §4.1: "there MUST be no more than one connection in a CONNECTING state" to the
/// same host and port; further attempts wait their turn. Sessions share one gate (`shared`
/// unless given another, as tests do).
public final class EndpointGate: Sendable {
    public static let shared = EndpointGate()

    public init() {}

    private struct Waiter: Sendable {
        let eventLoop: any EventLoop
        let proceed: @Sendable () -> Void
    }

    /// An endpoint has an entry while an attempt to it is connecting: its waiters, first in
    /// first out (a ring buffer, changed in place: 10,000 sessions queue up behind one
    /// endpoint in a storm).
    private let queues = Mutex<[String: CircularBuffer<Waiter>]>([:])

    /// Runs `proceed` on `eventLoop` once no other attempt to `endpoint` is connecting.
    /// Every call must be matched by one `leave(endpoint)`.
    func enter(_ endpoint: String, on eventLoop: any EventLoop, _ proceed: @escaping @Sendable () -> Void) {
        let runNow = self.queues.withLock { queues in
            guard queues[endpoint] != nil else {
                queues[endpoint] = CircularBuffer()
                return true
            }
            queues[endpoint]!.append(Waiter(eventLoop: eventLoop, proceed: proceed))
            return false
        }
        if runNow { eventLoop.execute(proceed) }
    }

    func leave(_ endpoint: String) {
        let next: Waiter? = self.queues.withLock { queues in
            // No copy of the queue is held while it changes: it is changed in place.
            guard let isEmpty = queues[endpoint]?.isEmpty else { return nil }
            if isEmpty {
                queues[endpoint] = nil
                return nil
            }
            return queues[endpoint]!.removeFirst()
        }
        if let next { next.eventLoop.execute(next.proceed) }
    }
}
