import Foundation
import WSMonClient
import WSMonCore
import WSMonMonitor

/// The JSON Lines form of session events (`--headless`, `--record`). Field names are
/// stable and documented in the README.
struct EventLine {
    /// Longest binary preview, in bytes (shown as hex).
    static let binaryPreviewLimit = 32

    /// Include a `frame` line for every frame (off by default: twice the lines).
    var includeFrames = false
    /// Longest text preview, in characters.
    var textPreviewLimit = 200
    /// A record's lines (`--record`): microsecond times, handshake headers, whole messages
    /// (as the dashboard keeps them) and the values a replay rebuilds (see `RecordedValues`).
    var isComplete = false
    /// Applied to every URL and error a line carries (names: in `SessionPrefix`).
    var redaction = Redaction()

    /// What every line of one session starts with, encoded once; used on that session's
    /// event loop only.
    final class SessionPrefix: @unchecked Sendable {
        /// `"session":N,"name":"…"`.
        let identity: [UInt8]
        /// The `open` line's `tls`: "verified", or "unverified" (`--insecure`); nil for ws://.
        let tls: String?
        fileprivate var stamp = JSONObject.SecondStamp()
        /// Wire bytes (headers included) of the data frames of the message under way in
        /// each direction, for its `message` or `message_sent` line's `wire_size`.
        fileprivate var receivedWireSize: UInt64 = 0
        fileprivate var sentWireSize: UInt64 = 0
        /// When the current connection last received a frame or opened, for the silence a
        /// close cause's hint tells of (as the monitor does).
        fileprivate var lastReceivedAt: Date?

        /// `name` as it will be written: redacted by the caller.
        init(session: Int, name: String, tls: TLSOptions?) {
            var fields = JSONObject()
            fields.add("session", session)
            fields.add("name", name)
            self.identity = Array(fields.bytes.dropFirst())
            self.tls = tls.map { $0.insecure ? "unverified" : "verified" }
        }
    }

    /// The line for `event`, or nil for events this output leaves out.
    func encode(_ event: SessionEvent, prefix: SessionPrefix) -> [UInt8]? {
        if case .connection(.frame(let record)) = event.kind, !record.opcode.isControl {
            if record.direction == .inbound {
                prefix.receivedWireSize += record.wireSize
            } else {
                prefix.sentWireSize += record.wireSize
            }
        }
        switch event.kind {
        case .opened: prefix.lastReceivedAt = event.time
        case .connection(.frame(let record)) where record.direction == .inbound: prefix.lastReceivedAt = event.time
        default: break
        }
        switch event.kind {
        case .connection(.frame) where !self.includeFrames,
            .connection(.opened), .connection(.handshakeRejected), .connection(.handshakeFailed),
            .connection(.closed):
            // Left out, or reported by the session as open, connect_failed and closed.
            return nil
        default:
            break
        }
        var json = JSONObject()
        json.addTimestamp("time", event.time, reusing: &prefix.stamp, microseconds: self.isComplete)
        json.appendFields(prefix.identity)
        json.add("connection", event.connection)
        switch event.kind {
        case .stateChanged(let state):
            json.add("event", "state")
            json.add("state", state.description)
        case .connecting(let attempt, let request):
            json.add("event", "connecting")
            json.add("attempt", attempt)
            json.add("url", self.redaction.url(request.url.description))
            if self.isComplete {
                json.add("key", request.key)
                json.add("request_headers", pairs: RecordHeaders.redacted(request.headers, by: self.redaction))
            }
        case .opened(let response, let isReconnect, let phases):
            json.add("event", "open")
            json.add("reconnect", isReconnect)
            json.add("status", response.statusCode)
            if let subprotocol = response.subprotocol { json.add("subprotocol", subprotocol) }
            if let tls = prefix.tls { json.add("tls", tls) }
            Self.add(phases, to: &json)
            Self.add(response.deflate, to: &json)
            if self.isComplete {
                json.add("reason_phrase", response.reasonPhrase)
                json.add("response_headers", pairs: RecordHeaders.redacted(response.headers, by: self.redaction))
            }
        case .connection(let connectionEvent):
            self.encode(connectionEvent, into: &json, prefix: prefix)
        case .messageSent(let message):
            json.add("event", "message_sent")
            json.add("wire_size", prefix.sentWireSize)
            prefix.sentWireSize = 0
            switch message {
            case .text(let text):
                json.add("opcode", "text")
                json.add("size", text.utf8.count)
                self.addTextPreview(text, to: &json)
            case .binary(let bytes):
                json.add("opcode", "binary")
                json.add("size", bytes.count)
                Self.addHexPreview(bytes, total: bytes.count, to: &json)
            }
            self.addWhole(message, to: &json)
        case .roundTrip(let ping, let rtt):
            json.add("event", "rtt")
            json.add("rtt_ms", rtt.milliseconds)
            if self.isComplete {
                json.add("ping", ping.rawValue)
                json.add("rtt_ns", rtt.nanoseconds)
            }
        case .stale(let silentFor, let pings):
            json.add("event", "stale")
            json.add("silent_ms", silentFor.milliseconds)
            json.add("pings", pings.rawValue)
        case .fresh(let silentFor):
            json.add("event", "fresh")
            json.add("silent_ms", silentFor.milliseconds)
        case .connectFailed(let error, let phases):
            json.add("event", "connect_failed")
            json.add("error", error.name)
            json.add("detail", self.redaction.text(error.description))
            Self.add(phases, to: &json)
            switch error {
            case .openTimeout(let phase, _): json.add("failed_phase", phase.rawValue)
            default: if let phase = phases.lastPhase { json.add("failed_phase", phase.rawValue) }
            }
            if case .tlsFailure(let failure) = error { json.add("tls_reason", failure.name) }
            if case .handshakeRejected(let rejection) = error {
                json.add("status", rejection.statusCode)
                if let location = rejection.location { json.add("location", self.redaction.url(location)) }
                if let body = rejection.bodyText { json.add("body", body) }
                if let retryAfter = rejection.retryAfter {
                    json.add(
                        "retry_after_s",
                        retryAfter.delay(nowSecondsSince1970: Int64(event.time.timeIntervalSince1970))
                    )
                }
            }
            if self.isComplete { json.add("value", object: RecordedValues.encode(error)) }
        case .closed(let summary, let transportError):
            json.add("event", "closed")
            Self.add(summary, to: &json)
            if self.isComplete { Self.addWhole(summary, to: &json) }
            if let transportError { json.add("transport_error", self.redaction.text(transportError)) }
            let cause = CloseCause(summary, transportError: transportError)
            json.add("cause", cause.rawValue)
            let silence = prefix.lastReceivedAt.map { event.time.timeIntervalSince($0) }
            if let hint = cause.hint(code: summary.code.rawValue, silentFor: silence) { json.add("hint", hint) }
            prefix.lastReceivedAt = nil
        case .reconnectScheduled(let delay, let attempt, let retryAfter):
            json.add("event", "reconnect_scheduled")
            json.add("attempt", attempt)
            json.add("delay_ms", delay.milliseconds)
            if let retryAfter { json.add("retry_after_ms", retryAfter.milliseconds) }
            if self.isComplete {
                json.add("delay_ns", delay.nanoseconds)
                if let retryAfter { json.add("retry_after_ns", retryAfter.nanoseconds) }
            }
        case .stopped(let reason):
            json.add("event", "stopped")
            json.add("reason", reason.description)
            if self.isComplete { json.add("value", object: RecordedValues.encode(reason)) }
        case .commandRefused(let error):
            json.add("event", "command_refused")
            json.add("detail", self.redaction.text("\(error)"))
            if self.isComplete { json.add("value", object: RecordedValues.encode(error)) }
        case .eventsDropped(let count):
            json.add("event", "events_dropped")
            json.add("count", count)
        }
        return json.line()
    }

    private func encode(_ event: WebSocketEvent, into json: inout JSONObject, prefix: SessionPrefix) {
        switch event {
        case .text(let text):
            json.add("event", "message")
            json.add("opcode", "text")
            json.add("size", text.utf8.count)
            json.add("wire_size", prefix.receivedWireSize)
            prefix.receivedWireSize = 0
            self.addTextPreview(text, to: &json)
            self.addWhole(.text(text), to: &json)
        case .binary(let bytes):
            json.add("event", "message")
            json.add("opcode", "binary")
            json.add("size", bytes.count)
            json.add("wire_size", prefix.receivedWireSize)
            prefix.receivedWireSize = 0
            Self.addHexPreview(bytes, total: bytes.count, to: &json)
            self.addWhole(.binary(bytes), to: &json)
        case .ping(let payload):
            json.add("event", "ping")
            json.add("size", payload.count)
            if self.isComplete { json.add("payload_hex", Hex.encode(payload)) }
        case .pong(let payload, let answering):
            json.add("event", "pong")
            json.add("size", payload.count)
            if self.isComplete {
                json.add("payload_hex", Hex.encode(payload))
                if let answering { json.add("answering", answering.rawValue) }
            }
        case .frame(let record):
            json.add("event", "frame")
            json.add("direction", record.direction == .inbound ? "in" : "out")
            json.add("opcode", "\(record.opcode)".lowercased())
            json.add("fin", record.fin)
            json.add("rsv", Int(record.rsv))
            json.add("masked", record.masked)
            json.add("size", record.length)
            json.add("wire_size", record.wireSize)
            if let messageSize = record.messageSize { json.add("message_size", messageSize) }
            Self.addHexPreview(record.preview.bytes, total: Int(clamping: record.length), to: &json)
        case .violation(let violation):
            json.add("event", "violation")
            json.add("violation", violation.name)
            json.add("detail", violation.description)
            json.add("code", Int(violation.closeCode.rawValue))
            json.add("fatal", violation.isFatal)
            if self.isComplete { json.add("value", object: RecordedValues.encode(violation)) }
        case .partialMessageDiscarded(let opcode, let byteCount):
            prefix.receivedWireSize = 0
            json.add("event", "partial_message_discarded")
            json.add("opcode", "\(opcode)".lowercased())
            json.add("size", byteCount)
        case .closeReceived(let frame):
            json.add("event", "close_received")
            Self.add(frame, to: &json)
        case .closeSent(let frame):
            json.add("event", "close_sent")
            Self.add(frame, to: &json)
        case .opened, .handshakeRejected, .handshakeFailed, .closed:
            break
        }
    }

    /// The `closed` line of a connection a forced exit cut short: it never got to end, so
    /// there is no close handshake to report, only that it was cut.
    func cutShort(connection: Int, at time: Date, prefix: SessionPrefix) -> [UInt8] {
        var json = JSONObject()
        json.addTimestamp("time", time, reusing: &prefix.stamp)
        json.appendFields(prefix.identity)
        json.add("connection", connection)
        json.add("event", "closed")
        json.add("code", Int(CloseCode.abnormalClosure.rawValue))
        json.add("initiator", "local")
        json.add("clean", false)
        json.add("cut_short", true)
        return json.line()
    }

    /// `dns_ms`, `tcp_ms`, `tls_ms`, `upgrade_ms` for the phases the attempt began, and
    /// `handshake_ms`, their sum.
    private static func add(_ phases: HandshakePhases, to json: inout JSONObject) {
        guard !phases.entries.isEmpty else { return }
        for entry in phases.entries {
            let milliseconds = entry.duration.milliseconds
            switch entry.phase {
            case .dns: json.add("dns_ms", milliseconds)
            case .tcp: json.add("tcp_ms", milliseconds)
            case .tls: json.add("tls_ms", milliseconds)
            case .upgrade: json.add("upgrade_ms", milliseconds)
            }
        }
        json.add("handshake_ms", phases.total.milliseconds)
    }

    /// The negotiated permessage-deflate, as agreed and as the server wrote it.
    private static func add(_ deflate: PerMessageDeflateParameters?, to json: inout JSONObject) {
        json.add("deflate", deflate != nil)
        guard let deflate else { return }
        json.add("extension", deflate.headerValue)
        json.add("deflate_server_no_context_takeover", deflate.serverNoContextTakeover)
        json.add("deflate_client_no_context_takeover", deflate.clientNoContextTakeover)
        json.add("deflate_server_max_window_bits", deflate.serverMaxWindowBits)
        json.add("deflate_client_max_window_bits", deflate.clientMaxWindowBits)
    }

    private static func add(_ frame: CloseFrame, to json: inout JSONObject) {
        if let code = frame.code { json.add("code", Int(code.rawValue)) } else { json.addNull("code") }
        json.add("reason", frame.reason)
    }

    private static func add(_ summary: CloseSummary, to json: inout JSONObject) {
        json.add("code", Int(summary.code.rawValue))
        json.add("reason", summary.reason)
        json.add("initiator", summary.initiator.rawValue)
        json.add("clean", summary.wasClean)
        if let sent = summary.sent { json.add("sent_code", Int(sent.reportedCode.rawValue)) }
        if let received = summary.received { json.add("received_code", Int(received.reportedCode.rawValue)) }
        if let failure = summary.failure { json.add("failure", failure.description) }
        if let state = summary.closeTimeoutFiredIn { json.add("timeout_fired_in", state.description) }
        json.add("tcp_closed_by", summary.transportClosedBy.rawValue)
    }

    /// A message whole, as far as the dashboard keeps it (`MessageLog`'s limits): `data`
    /// for text, `data_hex` for binary; `data_truncated` when it is longer.
    private func addWhole(_ message: OutgoingMessage, to json: inout JSONObject) {
        guard self.isComplete else { return }
        switch message {
        case .text(let text):
            let limit = MessageLog.textLimit
            if text.utf8.count <= limit { return json.add("data", text) }
            json.add("data", MessageLog.prefix(text, bytes: limit))
            json.add("data_truncated", true)
        case .binary(let bytes):
            json.add("data_hex", Hex.encode(bytes.prefix(MessageLog.binaryLimit)))
            if bytes.count > MessageLog.binaryLimit { json.add("data_truncated", true) }
        }
    }

    /// What the `closed` line leaves out and a replay needs: both frames as sent (a Close
    /// without a code stays one), the failure, the violations.
    private static func addWhole(_ summary: CloseSummary, to json: inout JSONObject) {
        if let sent = summary.sent { json.add("sent", object: self.frameObject(sent)) }
        if let received = summary.received { json.add("received", object: self.frameObject(received)) }
        if let failure = summary.failure { json.add("failure_value", object: RecordedValues.encode(failure)) }
        json.add("violations", summary.violations)
        if !summary.unreportedViolations.isEmpty {
            var counts = JSONObject()
            for (name, count) in summary.unreportedViolations.sorted(by: { $0.key < $1.key }) {
                counts.add(dynamic: name, count)
            }
            json.add("unreported_violations", object: counts)
        }
    }

    private static func frameObject(_ frame: CloseFrame) -> JSONObject {
        var json = JSONObject()
        if let code = frame.code { json.add("code", Int(code.rawValue)) } else { json.addNull("code") }
        json.add("reason", frame.reason)
        return json
    }

    private func addTextPreview(_ text: String, to json: inout JSONObject) {
        // No more bytes than the limit means no more characters: no need to count them.
        guard text.utf8.count > self.textPreviewLimit, text.count > self.textPreviewLimit else {
            return json.add("preview", text)
        }
        json.add("preview", String(text.prefix(self.textPreviewLimit)))
        json.add("truncated", true)
    }

    private static func addHexPreview(_ bytes: [UInt8], total: Int, to json: inout JSONObject) {
        let shown = bytes.prefix(self.binaryPreviewLimit)
        let digits = Array("0123456789abcdef")
        var hex = ""
        hex.reserveCapacity(shown.count * 2)
        for byte in shown {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        json.add("preview_hex", hex)
        if total > shown.count { json.add("truncated", true) }
    }
}

extension Duration {
    var nanoseconds: Int {
        Int(self.components.seconds) * 1_000_000_000 + Int(self.components.attoseconds / 1_000_000_000)
    }

    var milliseconds: Double {
        Double(self.components.seconds) * 1000 + Double(self.components.attoseconds) / 1e15
    }
}
