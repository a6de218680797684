import FoundationEssentials
import NIOCore
import NIOPosix
import WSMonCore

/// Lets a handler's output closure recognise its own handler, by identity: no cycle, and
/// no weak reference (one moves every retain and release of the handler, which NIO does for
/// every read, to a slow side table). Only that live handler calls its closure, so the
/// identity cannot be a stale one.
private final class HandlerBox: @unchecked Sendable {
    var handler: ObjectIdentifier?
}

/// One logical client that may make many connections: it connects, reports everything that
/// happens, and reconnects by policy. All its state lives on one event loop; the public
/// methods may be called from anywhere and hop onto that loop. It never waits for its
/// consumer: events go to `sink`, called on the loop.
public final class Session: @unchecked Sendable {
    public let id: Int
    public let options: SessionOptions
    public let eventLoop: any EventLoop
    private let sink: @Sendable (SessionEvent) -> Void

    // Everything below is touched only on `eventLoop`.
    private var state: SessionState = .connecting
    private var stateSince = NIODeadline.now()
    private var counters = SessionCounters()
    private var backoff: Backoff<SystemRandomNumberGenerator>
    private var handler: WebSocketConnectionHandler?
    private var channel: (any Channel)?
    private var connectionNumber = 0
    private var hasEverOpened = false
    private var currentOpenedAt: NIODeadline?
    private var pendingConnectError: ConnectError?
    private var holdsEndpointGate = false
    private var openTimer: Scheduled<Void>?
    private var reconnectTimer: Scheduled<Void>?
    private var userClosed = false
    private var reconnectImmediately = false
    private var started = false
    private var readingPaused = false

    public init(
        id: Int,
        options: SessionOptions,
        eventLoop: any EventLoop,
        sink: @escaping @Sendable (SessionEvent) -> Void
    ) {
        self.id = id
        self.options = options
        self.eventLoop = eventLoop
        self.sink = sink
        self.stateSince = eventLoop.now
        let policy = options.reconnect
        self.backoff = Backoff(
            initial: policy.backoffInitial,
            multiplier: policy.backoffMultiplier,
            cap: policy.backoffCap,
            random: SystemRandomNumberGenerator()
        )
    }

    // MARK: Commands (any thread)

    public func start() {
        self.onLoop { $0.startOnLoop() }
    }

    public func send(_ message: OutgoingMessage) {
        self.onLoop { session in
            guard let handler = session.handler else { return session.refuse(.notOpenYet) }
            do throws(UsageError) {
                try handler.send(message)
                session.emit(.messageSent(message))
            } catch { session.refuse(error) }
        }
    }

    public func ping(_ payload: [UInt8]? = nil) {
        self.onLoop { session in
            guard let handler = session.handler else { return session.refuse(.notOpenYet) }
            do throws(UsageError) { try handler.sendPing(payload) } catch { session.refuse(error) }
        }
    }

    /// Closes with a close handshake; the session does not reconnect afterwards.
    public func close(code: CloseCode = .normalClosure, reason: String = "") {
        self.onLoop { $0.closeOnLoop(code: code, reason: reason) }
    }

    /// Drops the TCP connection abruptly (no Close frame); the policy then decides.
    public func dropConnection() {
        self.onLoop { $0.handler?.abort(reason: "dropped by the user") }
    }

    /// Connects again now: ends the current connection with 1000 (or skips the backoff wait).
    public func reconnectNow() {
        self.onLoop { session in
            session.userClosed = false
            switch session.state {
            case .reconnecting, .stopped:
                session.reconnectTimer?.cancel()
                session.connect()
            case .open:
                session.reconnectImmediately = true
                try? session.handler?.close(code: .normalClosure, reason: "reconnect requested")
            default:
                session.reconnectImmediately = true
            }
        }
    }

    /// Stops reading from the socket while the consumer catches up (TCP pushes back).
    public func setReading(_ enabled: Bool) {
        self.onLoop { session in
            session.readingPaused = !enabled
            session.handler?.setReading(enabled)
        }
    }

    private func onLoop(_ body: @escaping @Sendable (Session) -> Void) {
        if self.eventLoop.inEventLoop {
            body(self)
        } else {
            self.eventLoop.execute { body(self) }
        }
    }

    // MARK: Lifecycle (on the loop)

    private func startOnLoop() {
        guard !self.started else { return }
        self.started = true
        self.connect()
    }

    private var endpoint: String { "\(self.options.url.host):\(self.options.url.port)" }

    private func connect() {
        self.reconnectTimer = nil
        self.reconnectImmediately = false
        self.counters.attempts += 1
        self.setState(.connecting)
        if !self.options.reconnect.parallelHandshakes {
            self.holdsEndpointGate = true
            EndpointGate.shared.enter(self.endpoint, on: self.eventLoop) { [self] in self.openConnection() }
        } else {
            self.openConnection()
        }
    }

    private func openConnection() {
        guard !self.userClosed else {
            self.leaveEndpointGate()
            return self.finish(.userClosed)
        }
        let core: ClientConnection
        do {
            core = try ClientConnection(url: self.options.url, options: self.options.connection)
        } catch {
            self.leaveEndpointGate()
            return self.finish(.invalidOptions(error.description))
        }
        self.connectionNumber += 1
        self.pendingConnectError = nil
        self.currentOpenedAt = nil
        let number = self.connectionNumber
        let timing = ConnectionTiming(self.options)
        // One handler per candidate channel (see Connector); only the winner's outputs count.
        let makeHandler: @Sendable (Bool) -> WebSocketConnectionHandler = { [self] waitsForTunnel in
            let box = HandlerBox()
            let handler = WebSocketConnectionHandler(core: core, timing: timing, waitsForTunnel: waitsForTunnel) {
                output in
                guard number == self.connectionNumber, let current = self.handler,
                    ObjectIdentifier(current) == box.handler
                else { return }
                self.handle(output)
            }
            box.handler = ObjectIdentifier(handler)
            return handler
        }
        self.emit(.connecting(attempt: self.counters.consecutiveFailures + 1, request: core.request))
        self.openTimer = self.eventLoop.assumeIsolated().scheduleTask(in: self.options.openTimeout.timeAmount) {
            [self] in
            guard number == self.connectionNumber, self.currentOpenedAt == nil else { return }
            self.pendingConnectError = .openTimeout
            self.handler?.abort(reason: "open timeout")
        }
        Connector.connect(options: self.options, makeHandler: makeHandler, on: self.eventLoop)
            .assumeIsolated()
            .whenComplete { [self] result in
                guard number == self.connectionNumber else { return }
                switch result {
                case .success(let (channel, handler)):
                    self.channel = channel
                    self.handler = handler
                    if let closed = handler.transportClosedOutput { return self.handle(closed) }
                    if self.readingPaused { handler.setReading(false) }
                    // Not from inside the connect promise: NIO fires channelActive after it.
                    self.eventLoop.assumeIsolated().execute {
                        if self.pendingConnectError == .openTimeout { handler.abort(reason: "open timeout") }
                        if self.userClosed { handler.abort(reason: "closed by the user before open") }
                    }
                case .failure(let error):
                    self.attemptFailed(
                        self.pendingConnectError ?? ConnectError(classifying: error, host: self.options.url.host)
                    )
                }
            }
    }

    private func handle(_ output: HandlerOutput) {
        switch output {
        case .events(let events, let time):
            for event in events { self.handle(event, at: time) }
            if let handler = self.handler, self.currentOpenedAt != nil, handler.state != .closed {
                self.setState(SessionState(handler.state))
            }
        case .roundTrip(let id, let rtt):
            self.emit(.roundTrip(id, rtt: rtt))
        case .transportClosed(let summary, let transportError):
            self.handler = nil
            self.channel = nil
            self.openTimer?.cancel()
            if self.currentOpenedAt == nil {
                self.attemptFailed(self.reasonForFailedAttempt(transportError: transportError))
            } else if let summary {
                self.connectionEnded(summary, transportError: transportError.map { "\($0)" })
            }
        }
    }

    private func handle(_ event: WebSocketEvent, at time: Date) {
        switch event {
        case .opened(let response):
            self.openTimer?.cancel()
            self.leaveEndpointGate()
            self.currentOpenedAt = self.eventLoop.now
            let isReconnect = self.hasEverOpened
            self.hasEverOpened = true
            self.counters.connects += 1
            if isReconnect { self.counters.reconnects += 1 }
            self.counters.consecutiveFailures = 0
            self.setState(.open)
            self.emit(.opened(response, isReconnect: isReconnect))
            let messages =
                isReconnect
                ? (self.options.messagesOnReconnect ?? self.options.messagesOnOpen) : self.options.messagesOnOpen
            for message in messages {
                do throws(UsageError) {
                    try self.handler?.send(message)
                    self.emit(.messageSent(message))
                } catch { self.refuse(error) }
            }
        case .handshakeRejected(let rejection):
            self.pendingConnectError = .handshakeRejected(rejection)
        case .handshakeFailed(let failure):
            self.pendingConnectError = self.pendingConnectError ?? .handshakeFailed(failure)
        case .closed:
            // Reported with the transport's fate in `.transportClosed`.
            break
        default:
            self.emit(.connection(event), at: time)
        }
    }

    /// The most telling reason an attempt ended before open: what the server answered, else
    /// what the transport reported (a TLS alert), else the core's "closed during handshake".
    private func reasonForFailedAttempt(transportError: (any Error)?) -> ConnectError {
        switch self.pendingConnectError {
        case .handshakeFailed(.connectionClosedDuringHandshake), nil:
            if let transportError { return ConnectError(classifying: transportError, host: self.options.url.host) }
            return self.pendingConnectError ?? .connectionLost(detail: "closed before the handshake completed")
        case let error?:
            return error
        }
    }

    private func attemptFailed(_ error: ConnectError) {
        self.openTimer?.cancel()
        self.leaveEndpointGate()
        self.handler = nil
        self.counters.consecutiveFailures += 1
        self.emit(.connectFailed(error))
        var retryAfter: Duration?
        if case .handshakeRejected(let rejection) = error, [429, 503].contains(rejection.statusCode),
            let value = rejection.retryAfter
        {
            let seconds = value.delay(nowSecondsSince1970: Int64(Date().timeIntervalSince1970))
            retryAfter = min(.seconds(seconds), self.options.reconnect.retryAfterCap)
        }
        self.scheduleReconnect(after: nil, retryAfter: retryAfter)
    }

    private func connectionEnded(_ summary: CloseSummary, transportError: String?) {
        self.counters.closeCodes[summary.code.rawValue, default: 0] += 1
        self.emit(.closed(summary, transportError: transportError))
        if let openedAt = self.currentOpenedAt,
            self.eventLoop.now - openedAt >= self.options.reconnect.stablePeriod.timeAmount
        {
            self.backoff.reset()
        }
        self.currentOpenedAt = nil
        self.scheduleReconnect(after: summary, retryAfter: nil)
    }

    private func scheduleReconnect(after summary: CloseSummary?, retryAfter: Duration?) {
        let policy = self.options.reconnect
        if self.userClosed { return self.finish(.userClosed) }
        guard policy.isEnabled else { return self.finish(.reconnectDisabled) }
        if let code = summary?.received?.code?.rawValue, policy.stopCodes.contains(code) {
            return self.finish(.stopCode(code))
        }
        if let limit = policy.maxAttempts, self.counters.consecutiveFailures >= limit {
            return self.finish(.attemptsExhausted(self.counters.consecutiveFailures))
        }
        var delay = self.backoff.next()
        if let retryAfter { delay = max(delay, retryAfter) }
        if summary?.received?.code == .tryAgainLater { delay = max(delay, policy.tryAgainLaterDelay) }
        if self.reconnectImmediately { delay = .zero }
        self.setState(.reconnecting)
        self.emit(.reconnectScheduled(delay: delay, attempt: self.backoff.attempt, retryAfter: retryAfter))
        self.reconnectTimer = self.eventLoop.assumeIsolated().scheduleTask(in: delay.timeAmount) { [self] in
            // Cancelling cannot stop a task already taken for this loop tick: close() or
            // reconnectNow() may have run first in the same tick.
            guard self.state == .reconnecting else { return }
            self.connect()
        }
    }

    private func closeOnLoop(code: CloseCode, reason: String) {
        self.userClosed = true
        switch self.state {
        case .reconnecting:
            self.reconnectTimer?.cancel()
            self.finish(.userClosed)
        case .connecting:
            // Abandon the attempt; `transportClosed` or the gate then finishes the session.
            self.handler?.abort(reason: "closed by the user before open")
        case .open, .halfClosed:
            do throws(UsageError) { try self.handler?.close(code: code, reason: reason) } catch { self.refuse(error) }
        case .closing, .closedAwaitingTransport, .stopped:
            return
        }
    }

    private func finish(_ reason: StopReason) {
        guard self.state != .stopped else { return }
        self.setState(.stopped)
        self.emit(.stopped(reason))
    }

    private func leaveEndpointGate() {
        guard self.holdsEndpointGate else { return }
        self.holdsEndpointGate = false
        EndpointGate.shared.leave(self.endpoint)
    }

    private func refuse(_ error: UsageError) {
        self.emit(.commandRefused(error))
    }

    private func setState(_ state: SessionState) {
        guard state != self.state else { return }
        let now = self.eventLoop.now
        self.counters.timeInState[self.state, default: .zero] += (now - self.stateSince).duration
        self.stateSince = now
        self.state = state
        self.emit(.stateChanged(state))
    }

    private func emit(_ kind: SessionEvent.Kind, at time: Date = Date()) {
        self.sink(SessionEvent(time: time, session: self.id, connection: self.connectionNumber, kind: kind))
    }

    /// The counters, read on the loop.
    public func readCounters() -> EventLoopFuture<SessionCounters> {
        self.eventLoop.submit { self.counters }
    }
}
