import Foundation
import WSMonClient
import WSMonCore

/// A record line back into the session event it was written from (`EventLine` with
/// `isComplete`), so a replay's monitor gets what the live one got.
enum RecordDecoder {
    typealias Unreadable = RecordedValues.Unreadable

    static func event(from fields: RecordFields, time: Double) throws -> SessionEvent {
        let kind = try self.kind(from: fields, time: time)
        return SessionEvent(
            time: Date(timeIntervalSince1970: time),
            session: try fields.integer("session"),
            connection: try fields.integer("connection"),
            kind: kind
        )
    }

    private static func kind(from fields: RecordFields, time: Double) throws -> SessionEvent.Kind {
        switch try fields.text("event") {
        case "state":
            let text = try fields.text("state")
            guard let state = SessionState.allCases.first(where: { $0.description == text }) else {
                throw Unreadable(description: "unknown state \(text)")
            }
            return .stateChanged(state)
        case "connecting":
            let url: WebSocketURL
            do { url = try WebSocketURL(parsing: try fields.text("url")) } catch let error as Unreadable {
                throw error
            } catch {
                throw Unreadable(description: "url: \(error)")
            }
            let headers = try fields.headers("request_headers")
            let request = HandshakeRequest(
                recordedURL: url,
                key: fields.optionalText("key") ?? "",
                subprotocols: headers.tokens(for: "Sec-WebSocket-Protocol"),
                headers: headers
            )
            return .connecting(attempt: try fields.integer("attempt"), request: request)
        case "open":
            let response = HandshakeResponse(
                statusCode: try fields.integer("status"),
                reasonPhrase: try fields.text("reason_phrase"),
                headers: try fields.headers("response_headers"),
                subprotocol: fields.optionalText("subprotocol"),
                deflate: self.deflate(fields)
            )
            return .opened(response, isReconnect: try fields.bool("reconnect"), phases: self.phases(fields))
        case "message":
            switch try self.message(fields) {
            case .text(let text): return .connection(.text(text))
            case .binary(let bytes): return .connection(.binary(bytes))
            }
        case "message_sent": return .messageSent(try self.message(fields))
        case "ping": return .connection(.ping(try Hex.decode(fields.optionalText("payload_hex") ?? "")))
        case "pong":
            let answering = fields.optionalInteger("answering").map { PingID(recorded: UInt64($0)) }
            return .connection(.pong(try Hex.decode(fields.optionalText("payload_hex") ?? ""), answering: answering))
        case "frame": return .connection(.frame(try self.frame(fields)))
        case "violation": return .connection(.violation(try RecordedValues.violation(try fields.object("value"))))
        case "partial_message_discarded":
            return .connection(
                .partialMessageDiscarded(
                    try self.opcode(try fields.text("opcode")),
                    byteCount: try fields.unsigned("size")
                )
            )
        case "close_received": return .connection(.closeReceived(try self.closeFrame(fields)))
        case "close_sent": return .connection(.closeSent(try self.closeFrame(fields)))
        case "rtt":
            let nanoseconds = try fields.optionalInteger("rtt_ns") ?? Int(fields.number("rtt_ms") * 1e6)
            return .roundTrip(
                PingID(recorded: UInt64(fields.optionalInteger("ping") ?? 0)),
                rtt: .nanoseconds(nanoseconds)
            )
        case "connect_failed":
            return .connectFailed(
                try RecordedValues.connectError(try fields.object("value")),
                phases: self.phases(fields)
            )
        case "stale":
            let pings = try fields.text("pings")
            guard let evidence = PingEvidence(rawValue: pings) else {
                throw RecordedValues.Unreadable(description: "pings: unknown value \(pings)")
            }
            return .stale(silentFor: .milliseconds(try fields.number("silent_ms")), pings: evidence)
        case "fresh": return .fresh(silentFor: .milliseconds(try fields.number("silent_ms")))
        case "closed": return .closed(try self.summary(fields), transportError: fields.optionalText("transport_error"))
        case "reconnect_scheduled":
            return .reconnectScheduled(
                delay: .nanoseconds(try fields.integer("delay_ns")),
                attempt: try fields.integer("attempt"),
                retryAfter: fields.optionalInteger("retry_after_ns").map { Duration.nanoseconds($0) }
            )
        case "stopped": return .stopped(try RecordedValues.stopReason(try fields.object("value")))
        case "command_refused": return .commandRefused(try RecordedValues.usageError(try fields.object("value")))
        case "events_dropped": return .eventsDropped(count: try fields.integer("count"))
        case let other: throw Unreadable(description: "unknown event \(other)")
        }
    }

    private static func message(_ fields: RecordFields) throws -> OutgoingMessage {
        switch try fields.text("opcode") {
        case "text": return .text(try fields.optionalText("data") ?? fields.text("preview"))
        case "binary": return .binary(try Hex.decode(try fields.optionalText("data_hex") ?? fields.text("preview_hex")))
        case let other: throw Unreadable(description: "unknown message opcode \(other)")
        }
    }

    private static func frame(_ fields: RecordFields) throws -> FrameRecord {
        let direction: FrameRecord.Direction
        switch try fields.text("direction") {
        case "in": direction = .inbound
        case "out": direction = .outbound
        case let other: throw Unreadable(description: "unknown direction \(other)")
        }
        return FrameRecord(
            direction: direction,
            opcode: try self.opcode(try fields.text("opcode")),
            fin: try fields.bool("fin"),
            rsv: UInt8(clamping: try fields.integer("rsv")),
            masked: try fields.bool("masked"),
            length: try fields.unsigned("size"),
            preview: PayloadPreview(try Hex.decode(try fields.text("preview_hex")))
        )
    }

    static func opcode(_ name: String) throws -> Opcode {
        guard let opcode = (0...15).map({ Opcode(rawValue: UInt8($0)) }).first(where: { "\($0)".lowercased() == name })
        else { throw Unreadable(description: "unknown opcode \(name)") }
        return opcode
    }

    private static func closeFrame(_ fields: RecordFields) throws -> CloseFrame {
        CloseFrame(
            code: fields.optionalInteger("code").map { CloseCode(UInt16(clamping: $0)) },
            reason: try fields.text("reason")
        )
    }

    private static func summary(_ fields: RecordFields) throws -> CloseSummary {
        guard fields.optionalBool("cut_short") != true else {
            return CloseSummary(
                initiator: .local,
                failure: .aborted(reason: "wsmon exited before the connection ended"),
                transportClosedBy: .local
            )
        }
        guard let initiator = CloseSummary.Initiator(rawValue: try fields.text("initiator")),
            let closer = CloseSummary.TransportCloser(rawValue: try fields.text("tcp_closed_by"))
        else { throw Unreadable(description: "unknown initiator or tcp_closed_by") }
        var summary = CloseSummary(
            initiator: initiator,
            sent: try fields.optionalObject("sent").map(self.closeFrame),
            received: try fields.optionalObject("received").map(self.closeFrame),
            failure: try fields.optionalObject("failure_value").map(RecordedValues.connectionFailure),
            closeTimeoutFiredIn: try fields.optionalText("timeout_fired_in").map(RecordedValues.connectionState),
            transportClosedBy: closer
        )
        summary.violations = fields.optionalInteger("violations") ?? 0
        if let counts = fields.optionalObject("unreported_violations") {
            for (name, count) in counts.object {
                summary.unreportedViolations[name] = (count as? NSNumber)?.intValue ?? 0
            }
        }
        return summary
    }

    /// The handshake's phases from `dns_ms`, `tcp_ms`, `tls_ms` and `upgrade_ms`, in order.
    private static func phases(_ fields: RecordFields) -> HandshakePhases {
        HandshakePhases(
            HandshakePhase.allCases.compactMap { phase in
                fields.optionalNumber("\(phase.rawValue)_ms").map { .init(phase, .milliseconds($0)) }
            }
        )
    }

    /// The negotiated permessage-deflate of an `open` line (`deflate`, `extension` and the
    /// parameters in effect); nil when it was not negotiated.
    private static func deflate(_ fields: RecordFields) -> PerMessageDeflateParameters? {
        guard fields.optionalBool("deflate") == true else { return nil }
        var deflate = PerMessageDeflateParameters()
        deflate.serverNoContextTakeover = fields.optionalBool("deflate_server_no_context_takeover") ?? false
        deflate.clientNoContextTakeover = fields.optionalBool("deflate_client_no_context_takeover") ?? false
        deflate.serverMaxWindowBits = fields.optionalInteger("deflate_server_max_window_bits") ?? 15
        deflate.clientMaxWindowBits = fields.optionalInteger("deflate_client_max_window_bits") ?? 15
        deflate.accepted = ExtensionParameter.parameters(ofFirstExtensionIn: fields.optionalText("extension") ?? "")
        return deflate
    }
}
