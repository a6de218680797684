import WSMonCore

/// The lifecycle and reconnect policy of one session, as a pure state machine: inputs in
/// (the session started, an attempt opened or failed, a connection ended, the user asked
/// for something, a timer elapsed), one `Action` out. It performs no I/O, reads no clock
/// and draws randomness only from the generator it is given, so every policy rule is
/// tested as a transcript on made-up times (async-http-client's connection pool machine
/// and its `.scheduleBackoffTimer`/`connectionCreationBackoffDone` pairing is the model).
///
/// `Session` is the shell that runs the actions: it owns the sockets, the timers and the
/// endpoint gate, and feeds every outcome back in.
struct SessionStateMachine<Random: RandomNumberGenerator & Sendable>: Sendable {
    enum State: Equatable {
        /// Created; `start()` not called yet.
        case idle
        /// Queued behind another handshake to the same host and port (§4.1).
        case waitingForEndpointGate(Attempt)
        /// TCP, TLS, proxy and the opening handshake are under way.
        case connecting(Attempt)
        /// A connection is open, or closing: `connection` is where its close handshake is.
        case open(OpenConnection)
        /// Waiting out the delay before try `attempt`.
        case backingOff(attempt: Int, reconnectsAtOnce: Bool)
        /// No more connections. `gateEntryQueued`: it stopped while queued at the gate,
        /// whose turn will still come (and must be given away, or taken on a revival).
        case stopped(StopReason, gateEntryQueued: Bool)
    }

    struct Attempt: Equatable {
        /// 1 for the first try after a start or an open, then one more per failure.
        var number: Int
        var holdsEndpointGate = false
        /// The user closed during the attempt: stop when it ends, for this reason.
        var stopWhenOver: StopReason?
        /// The user asked to reconnect: no backoff wait if this attempt fails.
        var reconnectsAtOnce = false
    }

    struct OpenConnection: Equatable {
        var openedAt: Duration
        var connection: ConnectionState = .open
        var stopWhenOver: StopReason?
        var reconnectsAtOnce = false
    }

    private(set) var state: State = .idle
    let policy: ReconnectPolicy
    private var backoff: Backoff<Random>
    /// Connections that reached the open state so far: the `connection` number of events.
    private(set) var connectionsOpened = 0

    init(policy: ReconnectPolicy, random: Random) {
        self.policy = policy
        self.backoff = Backoff(
            initial: policy.backoffInitial,
            multiplier: policy.backoffMultiplier,
            cap: policy.backoffCap,
            random: random
        )
    }

    /// Where the session is, as other layers see it.
    var sessionState: SessionState {
        switch self.state {
        case .idle, .connecting: return .connecting
        case .waitingForEndpointGate: return .waiting
        case .open(let open): return SessionState(open: open.connection)
        case .backingOff: return .reconnecting
        case .stopped: return .stopped
        }
    }

    /// True while a connection is open (in any phase of its close handshake): its end is
    /// `connectionEnded`, not `attemptFailed`.
    var hasOpenConnection: Bool {
        if case .open = self.state { return true }
        return false
    }

    // MARK: Inputs

    mutating func start() -> Action {
        switch self.state {
        case .idle:
            return self.beginAttempt(Attempt(number: 1))
        case .waitingForEndpointGate, .connecting, .open, .backingOff, .stopped:
            return .none
        }
    }

    /// The gate's turn came for the entry `waitForEndpointGate` queued.
    mutating func endpointGateOpened() -> Action {
        switch self.state {
        case .waitingForEndpointGate(var attempt):
            attempt.holdsEndpointGate = true
            self.state = .connecting(attempt)
            return .connect(attempt: attempt.number)
        case .stopped(let reason, gateEntryQueued: true):
            self.state = .stopped(reason, gateEntryQueued: false)
            return .leaveEndpointGate
        case .idle, .connecting, .open, .backingOff, .stopped(_, gateEntryQueued: false):
            preconditionFailure("the gate admits only an entry this machine queued (state \(self.state))")
        }
    }

    /// The opening handshake succeeded at `now`.
    mutating func opened(at now: Duration) -> Action {
        switch self.state {
        case .connecting(var attempt):
            let leaves = attempt.holdsEndpointGate
            if attempt.stopWhenOver != nil {
                // Closed by the user while connecting: the attempt is given up, not reported.
                attempt.holdsEndpointGate = false
                self.state = .connecting(attempt)
                return .abortAttempt(reason: "closed by the user before open", leavingEndpointGate: leaves)
            }
            self.connectionsOpened += 1
            self.state = .open(OpenConnection(openedAt: now, reconnectsAtOnce: attempt.reconnectsAtOnce))
            return .reportOpen(isReconnect: self.connectionsOpened > 1, leavingEndpointGate: leaves)
        case .idle, .waitingForEndpointGate, .open, .backingOff, .stopped:
            return .none
        }
    }

    /// The open connection's close handshake moved on (closing, half-closed, …).
    mutating func connectionStateChanged(_ connection: ConnectionState) -> Action {
        switch self.state {
        case .open(var open):
            // `.closed` is reported by `connectionEnded`; until then the last phase stands.
            guard connection != .closed else { return .none }
            open.connection = connection
            self.state = .open(open)
            return .none
        case .idle, .waitingForEndpointGate, .connecting, .backingOff, .stopped:
            return .none
        }
    }

    /// The attempt under way ended before open, for `error`.
    mutating func attemptFailed(_ error: ConnectError, now: SupervisorTime) -> Action {
        switch self.state {
        case .connecting(let attempt):
            let leaves = attempt.holdsEndpointGate
            if let reason = attempt.stopWhenOver { return self.stop(reason, leavingEndpointGate: leaves) }
            guard self.policy.isEnabled else { return self.stop(.reconnectDisabled, leavingEndpointGate: leaves) }
            if let limit = self.policy.maxAttempts, attempt.number >= limit {
                return self.stop(.attemptsExhausted(attempt.number), leavingEndpointGate: leaves)
            }
            let retryAfter = self.retryAfter(error, now: now)
            var delay = self.backoff.next()
            if let retryAfter { delay = max(delay, retryAfter) }
            return self.backOff(
                delay: delay,
                attempt: attempt.number + 1,
                retryAfter: retryAfter,
                reconnectsAtOnce: attempt.reconnectsAtOnce,
                leavingEndpointGate: leaves
            )
        case .idle, .waitingForEndpointGate, .open, .backingOff, .stopped:
            return .none
        }
    }

    /// The open connection is over (both Close frames and TCP, or however it ended).
    mutating func connectionEnded(_ summary: CloseSummary, now: Duration) -> Action {
        switch self.state {
        case .open(let open):
            // The backoff starts over only after a stable connection: a server that accepts
            // and drops at once keeps being backed off.
            if now - open.openedAt >= self.policy.stablePeriod { self.backoff.reset() }
            if let reason = open.stopWhenOver { return self.stop(reason, leavingEndpointGate: false) }
            guard self.policy.isEnabled else { return self.stop(.reconnectDisabled, leavingEndpointGate: false) }
            if let code = summary.received?.code?.rawValue, self.policy.stopCodes.contains(code) {
                return self.stop(.stopCode(code), leavingEndpointGate: false)
            }
            var delay = self.backoff.next()
            // 1013 "try again later": the server asks for a longer wait.
            if summary.received?.code == .tryAgainLater { delay = max(delay, self.policy.tryAgainLaterDelay) }
            return self.backOff(
                delay: delay,
                attempt: 1,
                retryAfter: nil,
                reconnectsAtOnce: open.reconnectsAtOnce,
                leavingEndpointGate: false
            )
        case .idle, .waitingForEndpointGate, .connecting, .backingOff, .stopped:
            return .none
        }
    }

    /// The user closes the session: no reconnect follows; it stops for `reason`.
    mutating func closeRequested(code: CloseCode, reason: String, stopReason: StopReason) -> Action {
        switch self.state {
        case .idle:
            return self.stop(stopReason, leavingEndpointGate: false)
        case .waitingForEndpointGate:
            self.state = .stopped(stopReason, gateEntryQueued: true)
            return .stop(stopReason, leavingEndpointGate: false)
        case .connecting(var attempt):
            guard attempt.stopWhenOver == nil else { return .none }
            attempt.stopWhenOver = stopReason
            attempt.reconnectsAtOnce = false
            self.state = .connecting(attempt)
            return .abortAttempt(reason: "closed by the user before open", leavingEndpointGate: false)
        case .open(var open):
            guard open.stopWhenOver == nil else { return .none }
            open.stopWhenOver = stopReason
            open.reconnectsAtOnce = false
            self.state = .open(open)
            return Self.closeIfNotClosing(open.connection, code: code, reason: reason)
        case .backingOff:
            return self.stop(stopReason, leavingEndpointGate: false)
        case .stopped:
            return .none
        }
    }

    /// The user asks for a new connection now: the open one ends with 1000, a backoff wait
    /// is cut short, a stopped session starts again.
    mutating func reconnectRequested() -> Action {
        switch self.state {
        case .idle:
            return self.start()
        case .waitingForEndpointGate(var attempt):
            attempt.stopWhenOver = nil
            attempt.reconnectsAtOnce = true
            self.state = .waitingForEndpointGate(attempt)
            return .none
        case .connecting(var attempt):
            attempt.stopWhenOver = nil
            attempt.reconnectsAtOnce = true
            self.state = .connecting(attempt)
            return .none
        case .open(var open):
            open.stopWhenOver = nil
            open.reconnectsAtOnce = true
            self.state = .open(open)
            return Self.closeIfNotClosing(open.connection, code: .normalClosure, reason: "reconnect requested")
        case .backingOff(let attempt, _):
            return self.beginAttempt(Attempt(number: attempt))
        case .stopped(_, let gateEntryQueued):
            self.backoff.reset()
            if gateEntryQueued {
                // The queued entry's turn will serve the new attempt.
                self.state = .waitingForEndpointGate(Attempt(number: 1))
                return .none
            }
            return self.beginAttempt(Attempt(number: 1))
        }
    }

    /// The delay of `scheduleReconnect` is over.
    mutating func backoffElapsed() -> Action {
        switch self.state {
        case .backingOff(let attempt, _):
            return self.beginAttempt(Attempt(number: attempt))
        case .idle, .waitingForEndpointGate, .connecting, .open, .stopped:
            return .none
        }
    }

    /// The session's options cannot make a connection at all (a header that cannot be sent).
    mutating func optionsRejected(_ detail: String) -> Action {
        switch self.state {
        case .connecting(let attempt):
            return self.stop(.invalidOptions(detail), leavingEndpointGate: attempt.holdsEndpointGate)
        case .idle, .waitingForEndpointGate, .open, .backingOff, .stopped:
            return .none
        }
    }

    // MARK: Transitions shared by several inputs

    private mutating func beginAttempt(_ attempt: Attempt) -> Action {
        if self.policy.parallelHandshakes {
            self.state = .connecting(attempt)
            return .connect(attempt: attempt.number)
        }
        self.state = .waitingForEndpointGate(attempt)
        return .waitForEndpointGate
    }

    private mutating func backOff(
        delay: Duration,
        attempt: Int,
        retryAfter: Duration?,
        reconnectsAtOnce: Bool,
        leavingEndpointGate: Bool
    ) -> Action {
        self.state = .backingOff(attempt: attempt, reconnectsAtOnce: reconnectsAtOnce)
        return .scheduleReconnect(
            delay: reconnectsAtOnce ? .zero : delay,
            attempt: attempt,
            retryAfter: retryAfter,
            leavingEndpointGate: leavingEndpointGate
        )
    }

    private mutating func stop(_ reason: StopReason, leavingEndpointGate: Bool) -> Action {
        self.state = .stopped(reason, gateEntryQueued: false)
        return .stop(reason, leavingEndpointGate: leavingEndpointGate)
    }

    /// A Close is ours to send while the connection is open or the server closed first;
    /// once ours is out there is nothing to do but wait.
    private static func closeIfNotClosing(_ connection: ConnectionState, code: CloseCode, reason: String) -> Action {
        switch connection {
        case .open, .halfClosed: return .closeConnection(code: code, reason: reason)
        case .connecting, .closing, .closedAwaitingTransport, .closed: return .none
        }
    }

    /// Retry-After on a 429 or 503, as a delay from `now`, capped by the policy.
    private func retryAfter(_ error: ConnectError, now: SupervisorTime) -> Duration? {
        guard case .handshakeRejected(let rejection) = error, [429, 503].contains(rejection.statusCode),
            let value = rejection.retryAfter
        else { return nil }
        let seconds = value.delay(nowSecondsSince1970: now.secondsSince1970)
        return min(.seconds(seconds), self.policy.retryAfterCap)
    }
}
