import NIOCore
import NIOPosix
import NIOSSL
import WSMonCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a connection attempt did not reach the open state, each reason distinct and readable.
public enum ConnectError: Error, Hashable, Sendable, CustomStringConvertible {
    case dnsFailure(host: String, detail: String)
    case connectionRefused(address: String)
    case networkUnreachable(address: String, detail: String)
    case tcpConnectTimeout
    /// Any TLS failure, its reason named (see `TLSFailure`).
    case tlsFailure(TLSFailure)
    case proxyFailure(detail: String)
    case handshakeRejected(HandshakeRejection)
    case handshakeFailed(HandshakeFailure)
    /// TCP + TLS + upgrade did not finish within the open timeout (`limit`); `phase` is
    /// where the attempt was.
    case openTimeout(phase: HandshakePhase, limit: Duration)
    /// The connection ended before the handshake completed, for another reason.
    case connectionLost(detail: String)
    /// We gave the attempt up ourselves (the session was closed while connecting).
    case cancelled(reason: String)

    /// A stable, machine-friendly name.
    public var name: String {
        switch self {
        case .dnsFailure: return "dns_failure"
        case .connectionRefused: return "connection_refused"
        case .networkUnreachable: return "network_unreachable"
        case .tcpConnectTimeout: return "tcp_connect_timeout"
        case .tlsFailure: return "tls_failure"
        case .proxyFailure: return "proxy_failure"
        case .handshakeRejected: return "handshake_rejected"
        case .handshakeFailed: return "handshake_failed"
        case .openTimeout: return "open_timeout"
        case .connectionLost: return "connection_lost"
        case .cancelled: return "cancelled"
        }
    }

    public var description: String {
        switch self {
        case .dnsFailure(let host, let detail): return "DNS lookup of \(host) failed: \(detail)"
        case .connectionRefused(let address): return "connection refused by \(address)"
        case .networkUnreachable(let address, let detail): return "cannot reach \(address): \(detail)"
        case .tcpConnectTimeout: return "TCP connect timed out"
        case .tlsFailure(.closedAfterHandshake):
            return "TLS failed: the server closed the connection after the TLS handshake, without an upgrade response "
                + "(servers that require a client certificate do this: --cert and --key)"
        case .tlsFailure(let failure): return "TLS failed: \(failure)"
        case .proxyFailure(let detail): return "proxy failed: \(detail)"
        case .handshakeRejected(let rejection): return "handshake rejected: \(rejection)"
        case .handshakeFailed(let failure): return "handshake failed: \(failure)"
        case .openTimeout(let phase, let limit):
            return "not open within the open timeout (\(Self.format(limit))), still \(phase)"
        case .connectionLost(let detail): return "connection lost during the handshake: \(detail)"
        case .cancelled(let reason): return "attempt cancelled: \(reason)"
        }
    }

    /// Classifies an error NIO reported while connecting.
    init(classifying error: any Error, host: String) {
        switch error {
        case let error as ConnectError:
            self = error
        case let error as TLSFailure:
            self = .tlsFailure(error)
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty, let dns = error.dnsAError ?? error.dnsAAAAError {
                self = .dnsFailure(host: host, detail: "\(dns)")
            } else if let failure = error.connectionErrors.first {
                self = Self.classifySocketError(failure.error, address: "\(failure.target)")
            } else {
                self = .dnsFailure(host: host, detail: "no addresses found")
            }
        case ChannelError.connectTimeout:
            self = .tcpConnectTimeout
        case let error as IOError:
            self = Self.classifySocketError(error, address: host)
        default:
            if let failure = TLSFailure(classifying: error, peerCertificate: nil, host: host, now: time(nil)) {
                self = .tlsFailure(failure)
            } else {
                self = .connectionLost(detail: "\(error)")
            }
        }
    }

    /// "10s", "1.5s", "500ms".
    private static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return milliseconds < 1000 ? "\(milliseconds)ms" : "\(Double(milliseconds) / 1000)s"
    }

    private static func classifySocketError(_ error: any Error, address: String) -> ConnectError {
        guard let io = error as? IOError else { return .connectionLost(detail: "\(error)") }
        switch io.errnoCode {
        case ECONNREFUSED: return .connectionRefused(address: address)
        case ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL: return .networkUnreachable(address: address, detail: "\(io)")
        case ETIMEDOUT: return .tcpConnectTimeout
        default: return .connectionLost(detail: "\(io)")
        }
    }
}
