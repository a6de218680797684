import WSMonClient
import WSMonCore

/// Why a connection ended, as one cause from a fixed list: the answer to "why 1006?" in
/// plain words. The same rule names it in the close inspector, the table, the JSON
/// `closed` line (`cause`) and the storm tab, so they never disagree.
public enum CloseCause: String, CaseIterable, Hashable, Sendable {
    /// The server's Close came first.
    case peerClose = "peer_close"
    /// Ours came first, or wsmon dropped the connection (the user's x, shutting down).
    case localClose = "local_close"
    /// A ping went unanswered for the pong timeout; wsmon failed the connection with 1011.
    case keepaliveTimeout = "keepalive_timeout"
    /// The close handshake did not finish within the close timeout.
    case closeTimeout = "close_timeout"
    /// The TCP connection was reset (ECONNRESET).
    case tcpReset = "tcp_reset"
    /// The TCP connection ended with no Close frame from either side.
    case eofWithoutClose = "eof_without_close"
    /// The server answered the opening handshake with another status than 101.
    case handshakeRejected = "handshake_rejected"
    /// The server broke the protocol and wsmon failed the connection.
    case protocolViolation = "protocol_violation"

    /// The cause of a connection that ended as `summary` says, with NIO's `transportError`.
    public init(_ summary: CloseSummary, transportError: String?) {
        if summary.closeTimeoutFiredIn != nil {
            self = .closeTimeout
            return
        }
        switch summary.failure {
        case .handshakeRejected?:
            self = .handshakeRejected
            return
        case .peerViolation?:
            self = .protocolViolation
            return
        case .local(let code, let reason)? where code == .internalError && reason == Self.keepaliveReason:
            self = .keepaliveTimeout
            return
        case .local?, .aborted?, .handshakeFailed?, nil:
            break
        }
        if let transportError, Self.isReset(transportError) {
            self = .tcpReset
        } else if summary.initiator == .remote || (summary.initiator != .local && summary.received != nil) {
            self = .peerClose
        } else if summary.initiator == .local || summary.failure != nil {
            self = .localClose
        } else {
            self = .eofWithoutClose
        }
    }

    /// The reason the client's keepalive fails a connection with (see the handler).
    static let keepaliveReason = "keepalive ping timeout"

    private static func isReset(_ error: String) -> Bool {
        let lowered = error.lowercased()
        return lowered.contains("connection reset") || lowered.contains("errno: 104)")
    }

    /// Plain words, with the close code where it says something: "1006 transport closed by
    /// peer without Close", "peer Close 1001 going away".
    public func words(code: UInt16?) -> String {
        let named = code.map { code in CloseCode(code).name.map { "\(code) \($0)" } ?? "\(code)" }
        switch self {
        case .peerClose: return named.map { "peer Close \($0)" } ?? "peer Close"
        case .localClose: return "local Close"
        case .keepaliveTimeout: return "keepalive timeout: no pong in time"
        case .closeTimeout: return "close timeout: the handshake never finished"
        case .tcpReset: return "TCP reset"
        case .eofWithoutClose: return "1006 transport closed by peer without Close"
        case .handshakeRejected: return code.map { "handshake rejected with \($0)" } ?? "handshake rejected"
        case .protocolViolation: return "protocol violation"
        }
    }

    /// What the facts suggest, where they support a suggestion: the server's own words for
    /// going away, and how long the connection had been silent before it was cut.
    public func hint(code: UInt16?, silentFor silence: Double?) -> String? {
        switch self {
        case .eofWithoutClose, .tcpReset:
            guard let silence, silence >= Self.notableSilence else { return nil }
            return "silent for \(Self.seconds(silence)) before it was cut: an idle timeout on the way?"
        case .peerClose:
            switch code {
            case 1001?, 1012?: return "the server went away (restart or deploy?)"
            case 1013?: return "the server asks to try again later (overloaded)"
            case 1008?: return "the server refused by policy (authentication?)"
            case 1009?: return "a message was too big for the server"
            default: return nil
            }
        case .keepaliveTimeout: return "the network stalled or the server stopped answering pings"
        case .handshakeRejected:
            switch code {
            case 429?, 503?: return "the server sheds load: many clients retrying at once?"
            case 401?, 403?: return "credentials refused"
            default: return nil
            }
        case .localClose, .closeTimeout, .protocolViolation: return nil
        }
    }

    /// Below this, silence before a cut says nothing (a busy feed has gaps of a second).
    static let notableSilence = 5.0

    static func seconds(_ value: Double) -> String {
        value >= 10 ? "\(Int(value.rounded())) s" : "\(Double(Int(value * 10)) / 10) s"
    }
}
