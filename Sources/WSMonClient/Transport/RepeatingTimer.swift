import NIOCore

/// A repeating timer for an owner confined to one event loop. NIO's `RepeatedTask` needs a
/// `Sendable` closure; channel handlers are not `Sendable`, so this reschedules itself on
/// the isolated loop instead.
final class RepeatingTimer {
    private let eventLoop: any EventLoop
    private let interval: TimeAmount
    private let body: () -> Void
    private var scheduled: Scheduled<Void>?

    init(on eventLoop: any EventLoop, every interval: Duration, _ body: @escaping () -> Void) {
        self.eventLoop = eventLoop
        self.interval = interval.timeAmount
        self.body = body
        self.schedule()
    }

    private func schedule() {
        self.scheduled = self.eventLoop.assumeIsolated().scheduleTask(in: self.interval) {
            self.body()
            // `body` may have cancelled us.
            if self.scheduled != nil { self.schedule() }
        }
    }

    func cancel() {
        self.scheduled?.cancel()
        self.scheduled = nil
    }
}
