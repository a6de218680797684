import FoundationEssentials
import WSMonClient
import WSMonCore

/// The monitor's state for one session, changed only on that session's event loop.
final class SessionTracker {
    static let closeTimelineLimit = 8
    static let reconnectHistoryLimit = 64
    static let refusedCommandLimit = 8

    private(set) var summary: SessionSummary
    private(set) var texts: SessionTexts
    /// The texts changed since the shard last took them.
    var textsChanged = false
    /// The summary changed since the shard last copied it into its rows.
    var isDirty = false
    /// In the shard's list of sessions whose rates need computing each second.
    var hasRecentTraffic = false
    private var frames: FrameRing
    private var traffic = TrafficWindow()
    private var request: HeaderBlock?
    private var response: HeaderBlock?
    private var handshakePhases: HandshakePhases?
    /// A compressed message is arriving (its frames count towards the compression ratio).
    private var receivingCompressed = false
    private var deflate: PerMessageDeflateParameters?
    private var finishedTimelines: [CloseTimeline] = []
    private var currentTimeline: CloseTimeline?
    private var reconnectHistory: [ReconnectEntry] = []
    private var refusedCommands: [RefusedCommand] = []
    /// Kept only while the session is watched (see `Shard`).
    private var messageLog: MessageLog?
    private var inboundFrameJustLogged = false
    /// When the current connection last received a frame (or opened): how long it had been
    /// silent when it was cut is a close cause's hint.
    private var lastReceivedAt: Double?
    private let closeTimeout: Double
    private let transportCloseGrace: Double
    /// Applied to every name, URL, header and error kept for display.
    private let redaction: Redaction

    init(id: Int, options: SessionOptions, frameLogCapacity: Int, now: Double, redaction: Redaction) {
        self.redaction = redaction
        self.summary = SessionSummary(id: id, state: .connecting, stateSince: now, connection: 0)
        self.texts = SessionTexts(
            name: redaction.text(options.name),
            url: redaction.url(options.url.description)
        )
        self.summary.insecure = options.tls.insecure
        self.frames = FrameRing(capacity: frameLogCapacity)
        self.closeTimeout = options.closeTimeout.seconds
        self.transportCloseGrace = options.transportCloseGrace.seconds
    }

    var id: Int { self.summary.id }

    /// Keeps a message received or sent whole, for the watched session's detail.
    func logMessage(_ event: SessionEvent) {
        let message: OutgoingMessage
        let direction: FrameRecord.Direction
        switch event.kind {
        case .connection(let received):
            guard let content = OutgoingMessage(received) else { return }
            (message, direction) = (content, .inbound)
        case .messageSent(let sent):
            (message, direction) = (sent, .outbound)
        default:
            return
        }
        if self.messageLog == nil { self.messageLog = MessageLog() }
        // The frame that completed the message was logged just before it.
        self.messageLog?.append(
            message,
            direction: direction,
            time: event.time.timeIntervalSince1970,
            connection: event.connection,
            frameNumber: self.frames.appended - 1
        )
    }

    func recordStorm(_ tally: EventTally, at time: Double) {
        self.summary.storm.record(tally, at: time)
    }

    func forgetMessages() {
        self.messageLog = nil
    }

    /// Applies one event; `tally` gets the process-wide counts it implies.
    func apply(_ event: SessionEvent, tally: inout EventTally) {
        let time = event.time.timeIntervalSince1970
        self.summary.connection = event.connection
        // A violation right after an inbound frame is that frame's (the core records it first).
        let afterInboundFrame = self.inboundFrameJustLogged
        self.inboundFrameJustLogged = false
        switch event.kind {
        case .stateChanged(let state):
            self.enter(state, at: time)
        case .connecting(let attempt, let request):
            self.summary.attempts += 1
            tally.attempt = true
            // Every attempt after the session's very first is a reconnect attempt.
            if self.summary.attempts > 1 { tally.reconnectAttempts += 1 }
            self.request = HeaderBlock(
                firstLine: "GET \(request.url.resource) HTTP/1.1",
                headers: request.headers.fields,
                redaction: self.redaction
            )
            self.response = nil
            self.handshakePhases = nil
            self.deflate = nil
            self.remember(.attempt(attempt), connection: event.connection, at: time)
        case .opened(let response, let isReconnect, let phases):
            self.summary.openedAt = time
            self.handshakePhases = phases
            tally.opened = true
            self.summary.connects += 1
            if isReconnect { self.summary.reconnects += 1 }
            self.summary.consecutiveFailures = 0
            self.response = HeaderBlock(
                firstLine: "HTTP/1.1 \(response.statusCode) \(response.reasonPhrase)",
                headers: response.headers.fields,
                redaction: self.redaction
            )
            self.deflate = response.deflate
            self.currentTimeline = nil
            self.lastReceivedAt = time
            self.remember(.opened(isReconnect: isReconnect), connection: event.connection, at: time)
        case .connection(let connectionEvent):
            if case .violation = connectionEvent, afterInboundFrame { self.frames.markNewestRejected() }
            self.apply(connectionEvent, connection: event.connection, at: time, tally: &tally)
        case .messageSent:
            // Counted from its frame records; kept whole by the shard for the watched session.
            break
        case .roundTrip(_, let rtt):
            self.summary.rtt = rtt.seconds
            // A pong for a stale feed: quiet, not half-open.
            if self.summary.stale != nil { self.summary.stale = .answered }
        case .stale(_, let pings):
            self.summary.stale = pings
        case .fresh:
            self.summary.stale = nil
        case .connectFailed(let error, let phases):
            self.handshakePhases = phases
            self.summary.consecutiveFailures += 1
            let detail = self.redaction.text(error.description)
            self.setTexts(self.texts.with(lastError: .some(detail)))
            let kind = FailureKind(error)
            self.summary.lastFailure = kind
            var status: Int?
            if case .handshakeRejected(let rejection) = error {
                status = rejection.statusCode
                tally.rejectionStatus = rejection.statusCode
                self.response = HeaderBlock(
                    firstLine: "HTTP/1.1 \(rejection.statusCode) \(rejection.reasonPhrase)",
                    headers: rejection.headers.fields,
                    body: rejection.bodyPreview,
                    bodyTruncated: rejection.bodyTruncated,
                    redaction: self.redaction
                )
            } else {
                tally.failure = kind
            }
            self.summary.lastFailureStatus = status.map { UInt16(clamping: $0) }
            self.remember(
                .failed(name: error.name, detail: detail, status: status),
                connection: event.connection,
                at: time
            )
        case .closed(let summary, let transportError):
            let cause = CloseCause(summary, transportError: transportError)
            let silence = self.lastReceivedAt.map { time - $0 }
            self.finishTimeline(
                summary,
                transportError: transportError,
                cause: cause,
                hint: cause.hint(code: summary.code.rawValue, silentFor: silence),
                connection: event.connection,
                at: time
            )
            tally.lifetime = self.summary.openedAt.map { time - $0 }
            self.summary.openedAt = nil
            self.lastReceivedAt = nil
            self.summary.lastCloseCode = summary.code.rawValue
            self.summary.lastCloseCause = cause
            tally.closeCause = CauseTally(cause: cause, code: summary.code.rawValue, silence: silence)
            self.setTexts(self.texts.with(lastCloseReason: summary.reason))
            self.summary.lastCloseClean = summary.wasClean
            tally.closeCode = summary.code.rawValue
            self.remember(
                .closed(code: summary.code.rawValue, reason: summary.reason, clean: summary.wasClean),
                connection: event.connection,
                at: time
            )
        case .reconnectScheduled(let delay, let attempt, let retryAfter):
            tally.reconnectDelay = delay.seconds
            self.remember(
                .scheduled(delay: delay.seconds, attempt: attempt, retryAfter: retryAfter?.seconds),
                connection: event.connection,
                at: time
            )
        case .stopped(let reason):
            self.setTexts(self.texts.with(stopReason: .some(reason.description)))
            self.remember(.stopped(reason.description), connection: event.connection, at: time)
        case .commandRefused(let error):
            if self.refusedCommands.count == Self.refusedCommandLimit { self.refusedCommands.removeFirst() }
            self.refusedCommands.append(RefusedCommand(time: time, reason: self.redaction.text(error.description)))
        case .eventsDropped:
            break
        }
    }

    private func apply(_ event: WebSocketEvent, connection: Int, at time: Double, tally: inout EventTally) {
        switch event {
        case .frame(let record):
            self.frames.append(FrameLogEntry(time: time, connection: Int32(clamping: connection), record: record))
            self.inboundFrameJustLogged = record.direction == .inbound
            if record.direction == .inbound { self.lastReceivedAt = time }
            self.count(record, at: time, tally: &tally)
        case .violation(let violation):
            self.summary.violations += 1
            self.step(.violation(name: violation.name, detail: violation.description), connection: connection, at: time)
        case .closeSent(let frame):
            self.step(.closeSent(code: frame.code?.rawValue, reason: frame.reason), connection: connection, at: time)
        case .closeReceived(let frame):
            self.step(
                .closeReceived(code: frame.code?.rawValue, reason: frame.reason),
                connection: connection,
                at: time
            )
        case .partialMessageDiscarded(_, let byteCount):
            self.step(.partialMessageDiscarded(bytes: byteCount), connection: connection, at: time)
        default:
            break
        }
    }

    /// Data frames count as traffic; a frame with FIN ends a message.
    private func count(_ record: FrameRecord, at time: Double, tally: inout EventTally) {
        switch record.opcode {
        case .text, .binary, .continuation: break
        default: return
        }
        let inbound = record.direction == .inbound
        let messages: UInt32 = record.fin ? 1 : 0
        if inbound {
            self.summary.messagesIn += UInt64(messages)
            self.summary.bytesIn += record.length
            // RSV1 marks a compressed message's first frame; its last carries the inflated size.
            if record.rsv & 0b100 != 0 { self.receivingCompressed = true }
            if self.receivingCompressed { self.summary.compressedBytesIn += record.length }
            if let size = record.messageSize { self.summary.inflatedBytesIn += size }
            if record.fin { self.receivingCompressed = false }
        } else {
            self.summary.messagesOut += UInt64(messages)
            self.summary.bytesOut += record.length
        }
        self.traffic.add(second: Int64(time.rounded(.down)), inbound: inbound, messages: messages, bytes: record.length)
        tally.messages += Int(messages)
        tally.bytes += Int(record.length)
    }

    private func enter(_ state: SessionState, at time: Double) {
        self.summary.timeInEarlierStates[self.summary.state] += max(0, time - self.summary.stateSince)
        self.summary.state = state
        self.summary.stateSince = time
        if state != .open { self.summary.stale = nil }
        switch state {
        case .closing, .halfClosed, .closedAwaitingTransport:
            self.step(.entered(state), connection: self.summary.connection, at: time)
        default:
            break
        }
    }

    private func step(_ kind: CloseTimeline.Kind, connection: Int, at time: Double) {
        if self.currentTimeline?.connection != connection {
            self.currentTimeline = CloseTimeline(connection: connection, openedAt: self.summary.openedAt)
        }
        self.currentTimeline?.steps.append(CloseTimeline.Step(time: time, kind: kind))
    }

    private func finishTimeline(
        _ summary: CloseSummary,
        transportError: String?,
        cause: CloseCause,
        hint: String?,
        connection: Int,
        at time: Double
    ) {
        if let state = summary.closeTimeoutFiredIn {
            self.step(.closeTimeoutFired(in: state.description), connection: connection, at: time)
        }
        self.step(.transportClosed(byPeer: summary.transportClosedBy == .peer), connection: connection, at: time)
        guard var timeline = self.currentTimeline else { return }
        timeline.summary = summary
        timeline.transportError = transportError.map(self.redaction.text)
        timeline.cause = cause
        timeline.hint = hint
        self.currentTimeline = nil
        if self.finishedTimelines.count == Self.closeTimelineLimit { self.finishedTimelines.removeFirst() }
        self.finishedTimelines.append(timeline)
    }

    private func remember(_ kind: ReconnectEntry.Kind, connection: Int, at time: Double) {
        if self.reconnectHistory.count == Self.reconnectHistoryLimit { self.reconnectHistory.removeFirst() }
        self.reconnectHistory.append(ReconnectEntry(time: time, connection: connection, kind: kind))
    }

    private func setTexts(_ texts: SessionTexts) {
        self.texts = texts
        self.textsChanged = true
    }

    /// The tracker's row in its shard, once added.
    var row: Int? { self.placed ? Int(self.summary.textsSlot.index) : nil }
    private var placed = false

    /// Where the row (and its texts) will be in snapshots.
    func place(in slot: TextsSlot) {
        self.summary.textsSlot = slot
        self.placed = true
    }

    /// Sets the rates as of the start of `second`; false once the window has no traffic left.
    func updateRates(second: Int64) -> Bool {
        let now = Double(second)
        self.summary.rates1s = self.traffic.rates(now: now, window: 1)
        self.summary.rates10s = self.traffic.rates(now: now, window: TrafficWindow.seconds)
        return self.summary.rates10s != Rates() || self.traffic.hasTraffic(after: second - 1)
    }

    func detail() -> SessionDetail {
        var detail = SessionDetail(
            summary: self.summary,
            texts: self.texts,
            frames: self.frames.entries,
            framesOverflowed: self.frames.overflowed,
            frameLogCapacity: self.frames.capacity,
            request: self.request,
            response: self.response,
            closeTimelines: self.finishedTimelines + (self.currentTimeline.map { [$0] } ?? []),
            reconnectHistory: self.reconnectHistory,
            closeTimeout: self.closeTimeout,
            transportCloseGrace: self.transportCloseGrace,
            messages: self.messageLog?.recent ?? [],
            refusedCommands: self.refusedCommands,
            handshakePhases: self.handshakePhases
        )
        detail.deflate = self.deflate
        return detail
    }
}

/// What one event adds to the process-wide counts.
struct EventTally {
    var messages = 0
    var bytes = 0
    var reconnectAttempts = 0
    var closeCode: UInt16?
    var rejectionStatus: Int?
    /// A failed attempt other than a rejection (those count by status).
    var failure: FailureKind?
    var closeCause: CauseTally?
    /// For the storm: an attempt started, a connection opened, a reconnect was scheduled
    /// after this many seconds, a connection that lasted this long ended.
    var attempt = false
    var opened = false
    var reconnectDelay: Double?
    var lifetime: Double?

    /// Counts in the storm tab (a retry is an attempt too).
    var changesStorm: Bool {
        self.attempt || self.opened || self.reconnectDelay != nil || self.lifetime != nil || self.closeCause != nil
            || self.rejectionStatus != nil || self.failure != nil
    }
}

/// How one connection ended, for the storm's grouped causes.
struct CauseTally {
    var cause: CloseCause
    var code: UInt16
    /// Seconds since the connection last received anything.
    var silence: Double?
}

extension Duration {
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
