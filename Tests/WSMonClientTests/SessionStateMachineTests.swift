import Testing
import WSMonCore
import WSMonTestSupport

@testable import WSMonClient

/// The reconnect policy and the session's lifecycle as transcripts: inputs in, actions
/// out, on made-up times and a seeded generator. No sockets, no sleeps, no clock.
@Suite("Session state machine")
struct SessionStateMachineTests {
    typealias Machine = SessionStateMachine<SeededRandom>

    static func policy(_ configure: (inout ReconnectPolicy) -> Void = { _ in }) -> ReconnectPolicy {
        var policy = ReconnectPolicy()
        policy.parallelHandshakes = true
        configure(&policy)
        return policy
    }

    static func machine(seed: UInt64 = 7, _ configure: (inout ReconnectPolicy) -> Void = { _ in }) -> Machine {
        Machine(policy: self.policy(configure), random: SeededRandom(seed: seed))
    }

    /// The delays the machine must draw: the same backoff on the same seed.
    static func reference(
        seed: UInt64 = 7,
        _ configure: (inout ReconnectPolicy) -> Void = { _ in }
    ) -> Backoff<
        SeededRandom
    > {
        let policy = self.policy(configure)
        return Backoff(
            initial: policy.backoffInitial,
            multiplier: policy.backoffMultiplier,
            cap: policy.backoffCap,
            random: SeededRandom(seed: seed)
        )
    }

    static func at(_ seconds: Int64) -> SupervisorTime {
        SupervisorTime(uptime: .seconds(seconds), secondsSince1970: 1_800_000_000 + seconds)
    }

    static let refused = ConnectError.connectionRefused(address: "127.0.0.1:9")

    static func endedByServer(_ code: UInt16) -> CloseSummary {
        CloseSummary(
            initiator: .remote,
            sent: CloseFrame(code: CloseCode(code)),
            received: CloseFrame(code: CloseCode(code)),
            transportClosedBy: .peer
        )
    }

    static func rejected(_ status: Int, retryAfter: RetryAfter?) -> ConnectError {
        .handshakeRejected(
            HandshakeRejection(
                statusCode: status,
                reasonPhrase: "Service Unavailable",
                headers: HTTPHeaders(),
                retryAfter: retryAfter,
                bodyPreview: [],
                bodyTruncated: false
            )
        )
    }

    static func delay(of action: Machine.Action) -> Duration? {
        if case .scheduleReconnect(let delay, _, _, _) = action { return delay }
        return nil
    }

    // MARK: Backoff

    @Test func failedAttemptsBackOffWithFullJitterOnTheSeededGenerator() {
        var machine = Self.machine()
        var reference = Self.reference()
        #expect(machine.start() == .connect(attempt: 1))
        #expect(machine.sessionState == .connecting)
        for attempt in 1...8 {
            let expected = reference.next()
            #expect(
                machine.attemptFailed(Self.refused, now: Self.at(0))
                    == .scheduleReconnect(
                        delay: expected,
                        attempt: attempt + 1,
                        retryAfter: nil,
                        leavingEndpointGate: false
                    )
            )
            #expect(expected <= reference.ceiling(forAttempt: attempt))
            #expect(machine.sessionState == .reconnecting)
            #expect(machine.backoffElapsed() == .connect(attempt: attempt + 1))
        }
    }

    @Test func fullJitterCoversTheWholeRangeUpToTheCeiling() {
        // The first wait of 2,000 sessions with different seeds: spread over [0, 1 s].
        var buckets = [Int](repeating: 0, count: 10)
        for seed in 1...2000 {
            var machine = Self.machine(seed: UInt64(seed))
            _ = machine.start()
            let delay = Self.delay(of: machine.attemptFailed(Self.refused, now: Self.at(0)))!
            #expect(delay >= .zero && delay <= .seconds(1))
            buckets[min(9, Int(Double(delay.components.attoseconds) / 1e17))] += 1
        }
        #expect(buckets.allSatisfy { $0 > 120 }, "every tenth of the range is used: \(buckets)")
    }

    @Test func theBackoffStartsOverOnlyAfterAStablePeriod() {
        for (openFor, startsOver) in [(Int64(9), false), (10, true)] {
            var machine = Self.machine { $0.stablePeriod = .seconds(10) }
            var reference = Self.reference { $0.stablePeriod = .seconds(10) }
            _ = machine.start()
            #expect(Self.delay(of: machine.attemptFailed(Self.refused, now: Self.at(0))) == reference.next())
            _ = machine.backoffElapsed()
            #expect(machine.opened(at: .seconds(100)) == .reportOpen(isReconnect: false, leavingEndpointGate: false))
            if startsOver { reference.reset() }
            let action = machine.connectionEnded(Self.endedByServer(1001), now: .seconds(100 + openFor))
            #expect(
                action
                    == .scheduleReconnect(
                        delay: reference.next(),
                        attempt: 1,
                        retryAfter: nil,
                        leavingEndpointGate: false
                    ),
                "open for \(openFor) s"
            )
        }
    }

    // MARK: What the server asks for

    @Test func retryAfterInSecondsOrAsADateIsHonouredUpToTheCap() {
        let now = Self.at(50)
        let cases: [(RetryAfter, Duration)] = [
            (.seconds(120), .seconds(120)),
            (.seconds(100_000), .seconds(300)),
            (.date(secondsSince1970: now.secondsSince1970 + 45), .seconds(45)),
            (.date(secondsSince1970: now.secondsSince1970 + 9_999), .seconds(300)),
        ]
        for (retryAfter, expected) in cases {
            var machine = Self.machine()
            _ = machine.start()
            #expect(
                machine.attemptFailed(Self.rejected(503, retryAfter: retryAfter), now: now)
                    == .scheduleReconnect(
                        delay: expected,
                        attempt: 2,
                        retryAfter: expected,
                        leavingEndpointGate: false
                    ),
                "\(retryAfter)"
            )
        }
    }

    @Test func retryAfterCountsOnlyOn429And503() {
        var machine = Self.machine()
        var reference = Self.reference()
        _ = machine.start()
        #expect(
            machine.attemptFailed(Self.rejected(500, retryAfter: .seconds(120)), now: Self.at(0))
                == .scheduleReconnect(delay: reference.next(), attempt: 2, retryAfter: nil, leavingEndpointGate: false)
        )
    }

    @Test func tryAgainLaterWaitsAtLeastItsDelay() {
        var machine = Self.machine { $0.tryAgainLaterDelay = .seconds(30) }
        _ = machine.start()
        _ = machine.opened(at: .zero)
        #expect(Self.delay(of: machine.connectionEnded(Self.endedByServer(1013), now: .seconds(1))) == .seconds(30))
    }

    @Test func aStopCodeFromTheServerEndsTheSession() {
        var machine = Self.machine { $0.stopCodes = [4001] }
        _ = machine.start()
        _ = machine.opened(at: .zero)
        #expect(Self.delay(of: machine.connectionEnded(Self.endedByServer(4000), now: .seconds(1))) != nil)
        _ = machine.backoffElapsed()
        _ = machine.opened(at: .seconds(2))
        #expect(
            machine.connectionEnded(Self.endedByServer(4001), now: .seconds(3))
                == .stop(.stopCode(4001), leavingEndpointGate: false)
        )
        #expect(machine.sessionState == .stopped)
    }

    @Test func theAttemptLimitCountsFailuresInARowOnly() {
        var machine = Self.machine { $0.maxAttempts = 3 }
        _ = machine.start()
        _ = machine.attemptFailed(Self.refused, now: Self.at(0))
        _ = machine.backoffElapsed()
        // An open in between starts the count again.
        _ = machine.opened(at: .zero)
        _ = machine.connectionEnded(Self.endedByServer(1001), now: .seconds(1))
        for attempt in 1...2 {
            #expect(machine.backoffElapsed() == .connect(attempt: attempt))
            #expect(Self.delay(of: machine.attemptFailed(Self.refused, now: Self.at(2))) != nil)
        }
        #expect(machine.backoffElapsed() == .connect(attempt: 3))
        #expect(
            machine.attemptFailed(Self.refused, now: Self.at(3))
                == .stop(.attemptsExhausted(3), leavingEndpointGate: false)
        )
    }

    @Test func withoutReconnectOneConnectionIsAll() {
        var machine = Self.machine { $0.isEnabled = false }
        _ = machine.start()
        #expect(
            machine.attemptFailed(Self.refused, now: Self.at(0))
                == .stop(.reconnectDisabled, leavingEndpointGate: false)
        )
        var opened = Self.machine { $0.isEnabled = false }
        _ = opened.start()
        _ = opened.opened(at: .zero)
        #expect(
            opened.connectionEnded(Self.endedByServer(1000), now: .seconds(1))
                == .stop(.reconnectDisabled, leavingEndpointGate: false)
        )
    }

    // MARK: The user

    @Test func closingWhileConnectingAbortsTheAttemptAndStops() {
        var machine = Self.machine()
        _ = machine.start()
        #expect(
            machine.closeRequested(code: .normalClosure, reason: "", stopReason: .userClosed)
                == .abortAttempt(reason: "closed by the user before open", leavingEndpointGate: false)
        )
        #expect(machine.closeRequested(code: .normalClosure, reason: "", stopReason: .userClosed) == .none)
        #expect(
            machine.attemptFailed(.cancelled(reason: "closed by the user before open"), now: Self.at(0))
                == .stop(.userClosed, leavingEndpointGate: false)
        )
    }

    @Test func anOpenThatRacesACloseIsGivenUpNotReported() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.closeRequested(code: .normalClosure, reason: "", stopReason: .userClosed)
        #expect(
            machine.opened(at: .zero)
                == .abortAttempt(reason: "closed by the user before open", leavingEndpointGate: false)
        )
        #expect(machine.connectionsOpened == 0)
        #expect(
            machine.attemptFailed(.cancelled(reason: "x"), now: Self.at(0))
                == .stop(.userClosed, leavingEndpointGate: false)
        )
    }

    @Test func closingDuringTheBackoffStopsAtOnce() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.attemptFailed(Self.refused, now: Self.at(0))
        #expect(
            machine.closeRequested(code: .goingAway, reason: "", stopReason: .runEnded("duration reached"))
                == .stop(.runEnded("duration reached"), leavingEndpointGate: false)
        )
        #expect(machine.backoffElapsed() == .none, "a late backoff timer does nothing")
        #expect(machine.sessionState == .stopped)
    }

    @Test func closingWhileOpenSendsCloseThenStopsWhenTheConnectionEnds() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.opened(at: .zero)
        #expect(
            machine.closeRequested(code: .goingAway, reason: "bye", stopReason: .userClosed)
                == .closeConnection(code: .goingAway, reason: "bye")
        )
        #expect(machine.connectionStateChanged(.closing) == .none)
        #expect(machine.sessionState == .closing)
        #expect(machine.closeRequested(code: .goingAway, reason: "again", stopReason: .userClosed) == .none)
        #expect(
            machine.connectionEnded(Self.endedByServer(1001), now: .seconds(1))
                == .stop(.userClosed, leavingEndpointGate: false)
        )
    }

    @Test func closingAHalfClosedConnectionSendsOurCloseButNotWhileOursIsOut() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.opened(at: .zero)
        _ = machine.connectionStateChanged(.halfClosed)
        #expect(machine.sessionState == .halfClosed)
        #expect(
            machine.closeRequested(code: .normalClosure, reason: "", stopReason: .userClosed)
                == .closeConnection(code: .normalClosure, reason: "")
        )
        var awaiting = Self.machine()
        _ = awaiting.start()
        _ = awaiting.opened(at: .zero)
        _ = awaiting.connectionStateChanged(.closedAwaitingTransport)
        _ = awaiting.connectionStateChanged(.closed)
        #expect(awaiting.sessionState == .closedAwaitingTransport, "closed is reported by connectionEnded")
        #expect(awaiting.closeRequested(code: .normalClosure, reason: "", stopReason: .userClosed) == .none)
        #expect(
            awaiting.connectionEnded(Self.endedByServer(1000), now: .seconds(1))
                == .stop(.userClosed, leavingEndpointGate: false)
        )
    }

    @Test func reconnectNowCutsTheBackoffShort() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.attemptFailed(Self.refused, now: Self.at(0))
        _ = machine.backoffElapsed()
        _ = machine.attemptFailed(Self.refused, now: Self.at(1))
        #expect(machine.reconnectRequested() == .connect(attempt: 3))
        #expect(machine.backoffElapsed() == .none, "the cut-short timer does nothing")
    }

    @Test func reconnectNowWhileOpenClosesWith1000AndReconnectsWithoutWaiting() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.opened(at: .zero)
        #expect(machine.reconnectRequested() == .closeConnection(code: .normalClosure, reason: "reconnect requested"))
        #expect(
            machine.connectionEnded(Self.endedByServer(1000), now: .seconds(1))
                == .scheduleReconnect(delay: .zero, attempt: 1, retryAfter: nil, leavingEndpointGate: false)
        )
        #expect(machine.backoffElapsed() == .connect(attempt: 1))
        #expect(machine.opened(at: .seconds(2)) == .reportOpen(isReconnect: true, leavingEndpointGate: false))
        #expect(machine.connectionsOpened == 2)
    }

    @Test func reconnectNowWhileConnectingRetriesAtOnceIfTheAttemptFails() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.closeRequested(code: .normalClosure, reason: "", stopReason: .userClosed)
        #expect(machine.reconnectRequested() == .none, "the close request is withdrawn")
        #expect(
            machine.attemptFailed(Self.refused, now: Self.at(0))
                == .scheduleReconnect(delay: .zero, attempt: 2, retryAfter: nil, leavingEndpointGate: false)
        )
    }

    @Test func reconnectNowRevivesAStoppedSessionFromTheFirstAttempt() {
        var machine = Self.machine { $0.maxAttempts = 1 }
        _ = machine.start()
        #expect(
            machine.attemptFailed(Self.refused, now: Self.at(0))
                == .stop(.attemptsExhausted(1), leavingEndpointGate: false)
        )
        #expect(machine.reconnectRequested() == .connect(attempt: 1))
        #expect(machine.sessionState == .connecting)
    }

    // MARK: RFC 6455 §4.1: one handshake at a time per endpoint

    @Test func theEndpointGateIsHeldFromTheTurnToTheEndOfTheAttempt() {
        var machine = Machine(policy: ReconnectPolicy(), random: SeededRandom())
        #expect(machine.start() == .waitForEndpointGate)
        #expect(machine.sessionState == .waiting, "queued sessions show as waiting")
        #expect(machine.endpointGateOpened() == .connect(attempt: 1))
        #expect(machine.sessionState == .connecting)
        guard
            case .scheduleReconnect(_, 2, nil, leavingEndpointGate: true) = machine.attemptFailed(
                Self.refused,
                now: Self.at(0)
            )
        else {
            Issue.record("a failed attempt gives the gate back")
            return
        }
        #expect(machine.backoffElapsed() == .waitForEndpointGate)
        #expect(machine.endpointGateOpened() == .connect(attempt: 2))
        #expect(machine.opened(at: .zero) == .reportOpen(isReconnect: false, leavingEndpointGate: true))
        guard
            case .scheduleReconnect(_, 1, nil, leavingEndpointGate: false) = machine.connectionEnded(
                Self.endedByServer(1001),
                now: .seconds(1)
            )
        else {
            Issue.record("an ended connection no longer holds the gate")
            return
        }
    }

    @Test func aSessionClosedWhileQueuedGivesItsTurnAwayOrTakesItOnARevival() {
        var machine = Machine(policy: ReconnectPolicy(), random: SeededRandom())
        _ = machine.start()
        #expect(
            machine.closeRequested(code: .normalClosure, reason: "", stopReason: .userClosed)
                == .stop(.userClosed, leavingEndpointGate: false)
        )
        #expect(machine.endpointGateOpened() == .leaveEndpointGate)

        var revived = Machine(policy: ReconnectPolicy(), random: SeededRandom())
        _ = revived.start()
        _ = revived.closeRequested(code: .normalClosure, reason: "", stopReason: .userClosed)
        #expect(revived.reconnectRequested() == .none, "the entry already queued serves the revival")
        #expect(revived.endpointGateOpened() == .connect(attempt: 1))
    }

    @Test func invalidOptionsStopTheSessionAndGiveTheGateBack() {
        var machine = Machine(policy: ReconnectPolicy(), random: SeededRandom())
        _ = machine.start()
        _ = machine.endpointGateOpened()
        #expect(
            machine.optionsRejected("bad header")
                == .stop(.invalidOptions("bad header"), leavingEndpointGate: true)
        )
    }

    // MARK: Numbering

    @Test func connectionsCountOpensAndAttemptsCountTriesSinceTheLastOpen() {
        var machine = Self.machine()
        #expect(machine.start() == .connect(attempt: 1))
        #expect(machine.connectionsOpened == 0)
        _ = machine.attemptFailed(Self.refused, now: Self.at(0))
        #expect(machine.backoffElapsed() == .connect(attempt: 2))
        #expect(machine.opened(at: .zero) == .reportOpen(isReconnect: false, leavingEndpointGate: false))
        #expect(machine.connectionsOpened == 1)
        guard case .scheduleReconnect(_, 1, _, _) = machine.connectionEnded(Self.endedByServer(1001), now: .seconds(1))
        else {
            Issue.record("the first try after an open is attempt 1")
            return
        }
        #expect(machine.backoffElapsed() == .connect(attempt: 1))
        #expect(machine.opened(at: .seconds(2)) == .reportOpen(isReconnect: true, leavingEndpointGate: false))
        #expect(machine.connectionsOpened == 2)
    }
}
