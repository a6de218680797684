import FoundationEssentials
import NIOCore
import WSMonCore

/// One logical client that may make many connections: it connects, reports everything that
/// happens, and reconnects by policy. The policy and the lifecycle are a pure
/// `SessionStateMachine`; this class is its I/O shell: it runs the machine's actions
/// (connect, schedule a reconnect, stop…), owns the connection and the timers, and feeds
/// every outcome back in.
///
/// All its state lives on one event loop; the public methods may be called from anywhere
/// and hop onto that loop. It never waits for its consumer: events go to `sink`, called on
/// the loop.
public final class Session: @unchecked Sendable {
    public let id: Int
    public let options: SessionOptions
    public let eventLoop: any EventLoop
    private let sink: @Sendable (SessionEvent) -> Void
    private let endpointGate: EndpointGate

    // Everything below is touched only on `eventLoop`.
    private var machine: SessionStateMachine<SessionRandom>
    /// The state last reported in a `.stateChanged` event (nil before the first).
    private var reportedState: SessionState?
    /// The attempt or connection under way, nil between connections.
    private var link: Link?
    /// Numbers attempts, so a late output of an earlier attempt's handler is recognised.
    private var attemptsStarted: UInt64 = 0
    private var openTimer = LoopTimer()
    private var backoffTimer = LoopTimer()
    private var intervalTimer = LoopTimer()
    /// The consumer asked to stop reading (backpressure); applies to every new connection.
    private var readingPaused = false

    /// - Parameters:
    ///   - random: the backoff's jitter; the default is the system's generator (tests pin one).
    ///   - endpointGate: the §4.1 one-handshake-per-endpoint gate shared with other sessions.
    public init(
        id: Int,
        options: SessionOptions,
        eventLoop: any EventLoop,
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        endpointGate: EndpointGate = .shared,
        sink: @escaping @Sendable (SessionEvent) -> Void
    ) {
        self.id = id
        self.options = options
        self.eventLoop = eventLoop
        self.sink = sink
        self.endpointGate = endpointGate
        self.machine = SessionStateMachine(policy: options.reconnect, random: SessionRandom(random))
    }

    // MARK: Commands (any thread)

    public func start() {
        self.onLoop { $0.apply($0.machine.start()) }
    }

    public func send(_ message: OutgoingMessage) {
        self.onLoop { $0.sendNow(message) }
    }

    public func ping(_ payload: [UInt8]? = nil) {
        self.onLoop { session in
            guard let handler = session.openHandler else { return session.refuse(.notOpenYet) }
            do throws(UsageError) { try handler.sendPing(payload) } catch { session.refuse(error) }
        }
    }

    /// Closes with a close handshake; the session does not reconnect afterwards and stops
    /// for `stopReason`.
    public func close(code: CloseCode = .normalClosure, reason: String = "", stopReason: StopReason = .userClosed) {
        self.onLoop { $0.apply($0.machine.closeRequested(code: code, reason: reason, stopReason: stopReason)) }
    }

    /// Drops the TCP connection abruptly (no Close frame); the policy then decides.
    public func dropConnection() {
        self.onLoop { $0.link?.handler?.abort(reason: "dropped by the user") }
    }

    /// Connects again now: ends the current connection with 1000, skips a backoff wait, or
    /// starts a stopped session again.
    public func reconnectNow() {
        self.onLoop { $0.apply($0.machine.reconnectRequested()) }
    }

    /// Stops reading from the socket while the consumer catches up (TCP pushes back).
    public func setReading(_ enabled: Bool) {
        self.onLoop { session in
            session.readingPaused = !enabled
            session.link?.handler?.setReading(enabled)
        }
    }

    private func onLoop(_ body: @escaping @Sendable (Session) -> Void) {
        if self.eventLoop.inEventLoop {
            body(self)
        } else {
            self.eventLoop.execute { body(self) }
        }
    }

    // MARK: Running the machine's actions (on the loop)

    /// Runs `action`; `time` stamps the state change it brings, when the input has a time
    /// of its own (the read that brought the open).
    private func apply(_ action: SessionStateMachine<SessionRandom>.Action, at time: Date? = nil) {
        self.reportStateIfChanged(at: time ?? Date())
        switch action {
        case .none:
            return
        case .waitForEndpointGate:
            self.backoffTimer.cancel()
            self.endpointGate.enter(self.endpoint, on: self.eventLoop) { [self] in
                self.apply(self.machine.endpointGateOpened())
            }
        case .connect(let attempt):
            self.backoffTimer.cancel()
            self.openConnection(attempt: attempt)
        case .reportOpen(let isReconnect, let leaving):
            if leaving { self.leaveEndpointGate() }
            self.openTimer.cancel()
            guard let response = self.link?.response, let time = self.link?.openedAt else {
                preconditionFailure("opened without a response")
            }
            // Stamped with the read that brought the 101, like the frames the open messages
            // are sent in, so none of them seems to come before the open.
            self.emit(.opened(response, isReconnect: isReconnect), at: time)
            let messages =
                isReconnect
                ? (self.options.messagesOnReconnect ?? self.options.messagesOnOpen) : self.options.messagesOnOpen
            for message in messages { self.sendNow(message) }
            self.armIntervalMessage()
        case .closeConnection(let code, let reason):
            do throws(UsageError) { try self.link?.handler?.close(code: code, reason: reason) } catch {
                self.refuse(error)
            }
        case .abortAttempt(let reason, let leaving):
            if leaving { self.leaveEndpointGate() }
            self.abandonAttempt(because: .cancelled(reason: reason))
        case .scheduleReconnect(let delay, let attempt, let retryAfter, let leaving):
            if leaving { self.leaveEndpointGate() }
            self.emit(.reconnectScheduled(delay: delay, attempt: attempt, retryAfter: retryAfter))
            self.backoffTimer.arm(in: delay.timeAmount, on: self.eventLoop) { [self] generation in
                guard self.backoffTimer.claim(generation) else { return }
                self.apply(self.machine.backoffElapsed())
            }
        case .stop(let reason, let leaving):
            if leaving { self.leaveEndpointGate() }
            self.backoffTimer.cancel()
            self.intervalTimer.cancel()
            self.emit(.stopped(reason))
        case .leaveEndpointGate:
            self.leaveEndpointGate()
        }
    }

    private func reportStateIfChanged(at time: Date) {
        let state = self.machine.sessionState
        guard state != self.reportedState else { return }
        self.reportedState = state
        self.emit(.stateChanged(state), at: time)
    }

    private var endpoint: String { "\(self.options.url.host):\(self.options.url.port)" }

    private func leaveEndpointGate() {
        self.endpointGate.leave(self.endpoint)
    }

    // MARK: One attempt

    /// The I/O of the attempt or connection under way.
    private struct Link {
        /// Which attempt this is (see `attemptsStarted`).
        let number: UInt64
        /// Set once the connector has a channel for the attempt.
        var handler: WebSocketConnectionHandler?
        /// The most telling reason so far why the attempt may fail: what the server answered,
        /// or that we gave up (open timeout, cancelled).
        var failure: ConnectError?
        /// The server's 101, once it came, and the time of the read that brought it.
        var response: HandshakeResponse?
        var openedAt: Date?
        /// The connection's close-handshake phase as last told to the machine (the one check
        /// made per read).
        var reportedConnectionState: ConnectionState = .connecting
    }

    private func openConnection(attempt: Int) {
        let core: ClientConnection
        do {
            core = try ClientConnection(url: self.options.url, options: self.options.connection)
        } catch {
            return self.apply(self.machine.optionsRejected(error.description))
        }
        self.attemptsStarted += 1
        let number = self.attemptsStarted
        self.link = Link(number: number)
        let timing = ConnectionTiming(self.options)
        let progress = AttemptProgress(phase: .dns)
        // One handler per candidate channel (see Connector); only the winner's outputs count.
        let makeHandler: @Sendable (Bool) -> WebSocketConnectionHandler = { [self] waitsForTunnel in
            let box = HandlerBox()
            let handler = WebSocketConnectionHandler(core: core, timing: timing, waitsForTunnel: waitsForTunnel) {
                output in
                guard let link = self.link, link.number == number, let current = link.handler,
                    ObjectIdentifier(current) == box.handler
                else { return }
                self.handle(output)
            }
            box.handler = ObjectIdentifier(handler)
            return handler
        }
        self.emit(.connecting(attempt: attempt, request: core.request))
        self.openTimer.arm(in: self.options.openTimeout.timeAmount, on: self.eventLoop) { [self] generation in
            guard self.openTimer.claim(generation) else { return }
            self.abandonAttempt(because: .openTimeout(phase: progress.phase, limit: self.options.openTimeout))
        }
        Connector.connect(options: self.options, progress: progress, makeHandler: makeHandler, on: self.eventLoop)
            .assumeIsolated()
            .whenComplete { [self] result in
                guard self.link?.number == number else { return }
                switch result {
                case .success(let (_, handler)):
                    self.link?.handler = handler
                    if let closed = handler.transportClosedOutput { return self.handle(closed) }
                    if self.readingPaused { handler.setReading(false) }
                    // Not from inside the connect promise: NIO fires channelActive after it.
                    self.eventLoop.assumeIsolated().execute {
                        guard let link = self.link, link.number == number, let failure = link.failure else { return }
                        handler.abort(reason: failure.description)
                    }
                case .failure(let error):
                    self.attemptEnded(
                        self.link?.failure ?? ConnectError(classifying: error, host: self.options.url.host)
                    )
                }
            }
    }

    /// Gives the attempt up for `failure` (which it then reports); a handler that is not
    /// adopted yet is aborted when it is.
    private func abandonAttempt(because failure: ConnectError) {
        guard self.link != nil, !self.machine.hasOpenConnection else { return }
        self.link?.failure = failure
        self.link?.handler?.abort(reason: failure.description)
    }

    private func handle(_ output: HandlerOutput) {
        switch output {
        case .events(let events, let time):
            for event in events { self.handle(event, at: time) }
            if let handler = self.link?.handler, handler.state != self.link?.reportedConnectionState {
                self.link?.reportedConnectionState = handler.state
                self.apply(self.machine.connectionStateChanged(handler.state))
            }
        case .roundTrip(let id, let rtt):
            self.emit(.roundTrip(id, rtt: rtt))
        case .transportClosed(let summary, let transportError):
            let failure = self.link?.failure
            self.link = nil
            self.openTimer.cancel()
            self.intervalTimer.cancel()
            if self.machine.hasOpenConnection, let summary {
                self.emit(.closed(summary, transportError: transportError.map { "\($0)" }))
                self.apply(self.machine.connectionEnded(summary, now: self.eventLoop.now.uptime))
            } else {
                self.attemptEnded(Self.reasonForFailedAttempt(failure, transportError, host: self.options.url.host))
            }
        }
    }

    private func handle(_ event: WebSocketEvent, at time: Date) {
        switch event {
        case .opened(let response):
            self.link?.response = response
            self.link?.openedAt = time
            self.link?.reportedConnectionState = .open
            self.apply(self.machine.opened(at: self.eventLoop.now.uptime), at: time)
        case .handshakeRejected(let rejection):
            self.link?.failure = .handshakeRejected(rejection)
        case .handshakeFailed(let failure):
            if self.link?.failure == nil { self.link?.failure = .handshakeFailed(failure) }
        case .closed:
            // Reported with the transport's fate in `.transportClosed`.
            break
        case .text, .binary, .ping, .pong, .frame, .violation, .partialMessageDiscarded, .closeReceived, .closeSent:
            self.emit(.connection(event), at: time)
        }
    }

    /// The most telling reason an attempt ended before open: what the server answered or
    /// why we gave up, else what the transport reported (a TLS alert), else the core's
    /// "closed during handshake".
    private static func reasonForFailedAttempt(
        _ failure: ConnectError?,
        _ transportError: (any Error)?,
        host: String
    ) -> ConnectError {
        switch failure {
        case .handshakeFailed(.connectionClosedDuringHandshake), nil:
            if let transportError { return ConnectError(classifying: transportError, host: host) }
            return failure ?? .connectionLost(detail: "closed before the handshake completed")
        case let failure?:
            return failure
        }
    }

    private func attemptEnded(_ error: ConnectError) {
        self.link = nil
        self.openTimer.cancel()
        self.emit(.connectFailed(error))
        self.apply(self.machine.attemptFailed(error, now: self.now))
    }

    // MARK: Sending

    /// The handler of the open connection, if there is one.
    private var openHandler: WebSocketConnectionHandler? {
        self.machine.hasOpenConnection ? self.link?.handler : nil
    }

    private func sendNow(_ message: OutgoingMessage) {
        guard let handler = self.openHandler else { return self.refuse(.notOpenYet) }
        do throws(UsageError) {
            try handler.send(message)
            self.emit(.messageSent(message))
        } catch {
            self.refuse(error)
        }
    }

    /// The application's own keepalive (`{"type":"PING"}` every N seconds), while open.
    private func armIntervalMessage() {
        guard let (message, every) = self.options.intervalMessage else { return }
        self.intervalTimer.arm(in: every.timeAmount, on: self.eventLoop) { [self] generation in
            guard self.intervalTimer.claim(generation), self.machine.sessionState == .open else { return }
            self.sendNow(message)
            self.armIntervalMessage()
        }
    }

    private func refuse(_ error: UsageError) {
        self.emit(.commandRefused(error))
    }

    private var now: SupervisorTime {
        SupervisorTime(
            uptime: self.eventLoop.now.uptime,
            secondsSince1970: Int64(Date().timeIntervalSince1970)
        )
    }

    private func emit(_ kind: SessionEvent.Kind, at time: Date = Date()) {
        self.sink(
            SessionEvent(time: time, session: self.id, connection: self.machine.connectionsOpened, kind: kind)
        )
    }
}

/// Lets a handler's output closure recognise its own handler, by identity: no cycle, and
/// no weak reference (one moves every retain and release of the handler, which NIO does for
/// every read, to a slow side table). Only that live handler calls its closure, so the
/// identity cannot be a stale one.
private final class HandlerBox: @unchecked Sendable {
    var handler: ObjectIdentifier?
}

/// Any generator behind one concrete type, so `Session` need not be generic over it.
struct SessionRandom: RandomNumberGenerator, Sendable {
    private var base: any RandomNumberGenerator & Sendable

    init(_ base: some RandomNumberGenerator & Sendable) {
        self.base = base
    }

    mutating func next() -> UInt64 { self.base.next() }
}

extension NIODeadline {
    /// The deadline as a monotonic time since the loop clock's origin.
    var uptime: Duration { .nanoseconds(Int64(clamping: self.uptimeNanoseconds)) }
}
