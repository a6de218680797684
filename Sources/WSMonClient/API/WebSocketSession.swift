import NIOCore
import NIOPosix
import Synchronization
import WSMonCore

/// A WebSocket client session for programs that use the library without the dashboard.
///
/// ```swift
/// let session = try WebSocketSession(url: "wss://example.com/feed")
/// session.send(.text("subscribe"))
/// for await event in session.events {
///     if case .connection(.text(let text)) = event.kind { print(text) }
/// }
/// ```
///
/// The event stream is bounded: when more than `eventBufferLimit` events wait for the
/// consumer, frame records, pings and pongs are dropped (and counted in an
/// `.eventsDropped` event), and reading from the socket pauses until the consumer catches
/// up, so messages are never dropped and memory does not grow without limit.
public final class WebSocketSession: Sendable {
    public let session: Session
    public let events: SessionEventStream

    public convenience init(
        url: String,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        eventBufferLimit: Int = 1024
    ) throws {
        try self.init(
            options: SessionOptions(url: WebSocketURL(parsing: url)),
            group: group,
            eventBufferLimit: eventBufferLimit
        )
    }

    public init(
        options: SessionOptions,
        id: Int = 1,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        eventBufferLimit: Int = 1024
    ) {
        let eventLoop = group.next()
        let buffer = EventBuffer(limit: eventBufferLimit, eventLoop: eventLoop)
        let session = Session(id: id, options: options, eventLoop: eventLoop) { event in
            buffer.offer(event)
        }
        buffer.onPressureChange = { reading in session.setReading(reading) }
        self.session = session
        self.events = SessionEventStream(buffer: buffer)
        session.start()
    }

    public func send(_ message: OutgoingMessage) { self.session.send(message) }
    public func send(text: String) { self.session.send(.text(text)) }
    public func send(binary: [UInt8]) { self.session.send(.binary(binary)) }
    public func ping(_ payload: [UInt8]? = nil) { self.session.ping(payload) }
    /// Closes with a handshake; no reconnect follows. The stream ends after `.stopped`.
    public func close(code: CloseCode = .normalClosure, reason: String = "") {
        self.session.close(code: code, reason: reason)
    }
    /// Closes with 1001 "going away" and ends the session.
    public func stop() { self.session.close(code: .goingAway, reason: "stopped") }
}

/// The events of a `WebSocketSession`, in order. Ends after the session stops.
public struct SessionEventStream: AsyncSequence, Sendable {
    public typealias Element = SessionEvent

    let buffer: EventBuffer

    /// Hands out events from a batch taken at once from the buffer, so a burst of events costs
    /// one wake-up of the consumer, not one per event.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: EventBuffer
        var doorbell: AsyncStream<Void>.AsyncIterator
        var batch: [SessionEvent] = []
        var position = 0

        public mutating func next() async -> SessionEvent? {
            while true {
                if self.position < self.batch.count {
                    defer { self.position += 1 }
                    return self.batch[self.position]
                }
                self.batch = self.buffer.takeAll(replacing: self.batch)
                self.position = 0
                if !self.batch.isEmpty { continue }
                if self.buffer.isFinished { return nil }
                guard await self.doorbell.next() != nil else {
                    self.batch = self.buffer.takeAll(replacing: self.batch)
                    if self.batch.isEmpty { return nil }
                    continue
                }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: self.buffer, doorbell: self.buffer.doorbell.makeAsyncIterator())
    }
}

/// Events waiting for the consumer. Over the limit, droppable events are dropped (and
/// counted) and the session is asked to pause reading until the consumer catches up.
///
/// The consumer is woken once per batch: when an event lands in an empty queue, the wake-up
/// is queued on the session's event loop, so it runs after the loop has handled the whole
/// read, not once per event of it (a consumer that keeps up otherwise wakes for every message).
final class EventBuffer: Sendable {
    private struct State {
        var queue: [SessionEvent] = []
        var dropped = 0
        var readingPaused = false
        var finished = false
    }

    private let limit: Int
    private let eventLoop: any EventLoop
    let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation
    private let state = Mutex(State())
    private let pressureHandler = Mutex<(@Sendable (Bool) -> Void)?>(nil)

    init(limit: Int, eventLoop: any EventLoop) {
        self.limit = max(1, limit)
        self.eventLoop = eventLoop
        (self.doorbell, self.ring) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var onPressureChange: (@Sendable (Bool) -> Void)? {
        get { self.pressureHandler.withLock { $0 } }
        set { self.pressureHandler.withLock { $0 = newValue } }
    }

    var isFinished: Bool { self.state.withLock { $0.finished && $0.queue.isEmpty } }

    func offer(_ event: SessionEvent) {
        let (accepted, wasEmpty, pause, finished) = self.state.withLock { state -> (Bool, Bool, Bool, Bool) in
            if state.queue.count >= self.limit && event.isDroppable {
                state.dropped += 1
                return (false, false, false, false)
            }
            let wasEmpty = state.queue.isEmpty
            if state.dropped > 0 && state.queue.count < self.limit {
                let report = SessionEvent(
                    time: event.time,
                    session: event.session,
                    connection: event.connection,
                    kind: .eventsDropped(count: state.dropped)
                )
                state.queue.append(report)
                state.dropped = 0
            }
            state.queue.append(event)
            let pause = state.queue.count >= self.limit && !state.readingPaused
            if pause { state.readingPaused = true }
            if case .stopped = event.kind { state.finished = true }
            return (true, wasEmpty, pause, state.finished)
        }
        guard accepted else { return }
        if finished {
            // The consumer drains what is queued once the doorbell ends.
            self.ring.finish()
        } else if wasEmpty {
            let ring = self.ring
            self.eventLoop.execute { ring.yield() }
        }
        if pause { self.onPressureChange?(false) }
    }

    /// Takes every waiting event; `spent` is the consumer's previous batch, whose storage is
    /// reused.
    func takeAll(replacing spent: [SessionEvent]) -> [SessionEvent] {
        var batch = spent
        batch.removeAll(keepingCapacity: true)
        let resume = self.state.withLock { state -> Bool in
            swap(&batch, &state.queue)
            if state.readingPaused {
                state.readingPaused = false
                return true
            }
            return false
        }
        if resume { self.onPressureChange?(true) }
        return batch
    }
}
