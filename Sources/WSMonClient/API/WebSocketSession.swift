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
        let (stream, continuation) = AsyncStream<SessionEvent>.makeStream()
        let buffer = EventBuffer(limit: eventBufferLimit, continuation: continuation)
        let session = Session(id: id, options: options, eventLoop: group.next()) { event in
            buffer.offer(event)
        }
        buffer.onPressureChange = { reading in session.setReading(reading) }
        self.session = session
        self.events = SessionEventStream(stream: stream, buffer: buffer)
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

    let stream: AsyncStream<SessionEvent>
    let buffer: EventBuffer

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<SessionEvent>.AsyncIterator
        let buffer: EventBuffer

        public mutating func next() async -> SessionEvent? {
            guard let event = await self.base.next() else { return nil }
            self.buffer.consumed()
            return event
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.stream.makeAsyncIterator(), buffer: self.buffer)
    }
}

/// Counts what waits for the consumer, drops droppable events over the limit and asks the
/// session to pause reading while the consumer is behind.
final class EventBuffer: Sendable {
    private struct State {
        var pending = 0
        var dropped = 0
        var readingPaused = false
    }

    private let limit: Int
    private let continuation: AsyncStream<SessionEvent>.Continuation
    private let state = Mutex(State())
    private let pressureHandler = Mutex<(@Sendable (Bool) -> Void)?>(nil)

    init(limit: Int, continuation: AsyncStream<SessionEvent>.Continuation) {
        self.limit = max(1, limit)
        self.continuation = continuation
    }

    var onPressureChange: (@Sendable (Bool) -> Void)? {
        get { self.pressureHandler.withLock { $0 } }
        set { self.pressureHandler.withLock { $0 = newValue } }
    }

    /// Total events dropped so far.
    var droppedCount: Int { self.state.withLock { $0.dropped } }

    func offer(_ event: SessionEvent) {
        enum Verdict {
            case drop
            case deliver(reportDropped: Int, pause: Bool)
        }
        let verdict: Verdict = self.state.withLock { state in
            if state.pending >= self.limit && event.isDroppable {
                state.dropped += 1
                return .drop
            }
            var report = 0
            if state.dropped > 0 && state.pending < self.limit {
                report = state.dropped
                state.dropped = 0
                state.pending += 1
            }
            state.pending += 1
            let pause = state.pending >= self.limit && !state.readingPaused
            if pause { state.readingPaused = true }
            return .deliver(reportDropped: report, pause: pause)
        }
        guard case .deliver(let report, let pause) = verdict else { return }
        if report > 0 {
            self.continuation.yield(
                SessionEvent(
                    time: event.time,
                    session: event.session,
                    connection: event.connection,
                    kind: .eventsDropped(count: report)
                )
            )
        }
        self.continuation.yield(event)
        if pause { self.onPressureChange?(false) }
        if case .stopped = event.kind { self.continuation.finish() }
    }

    func consumed() {
        let resume = self.state.withLock { state in
            state.pending -= 1
            if state.readingPaused && state.pending <= self.limit / 2 {
                state.readingPaused = false
                return true
            }
            return false
        }
        if resume { self.onPressureChange?(true) }
    }
}
