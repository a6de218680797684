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
    case tlsFailure(detail: String)
    case proxyFailure(detail: String)
    case handshakeRejected(HandshakeRejection)
    case handshakeFailed(HandshakeFailure)
    /// TCP + TLS + upgrade did not finish within the open timeout.
    case openTimeout
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
        case .tlsFailure(let detail): return "TLS failed: \(detail)"
        case .proxyFailure(let detail): return "proxy failed: \(detail)"
        case .handshakeRejected(let rejection): return "handshake rejected: \(rejection)"
        case .handshakeFailed(let failure): return "handshake failed: \(failure)"
        case .openTimeout: return "not open within the open timeout"
        case .connectionLost(let detail): return "connection lost during the handshake: \(detail)"
        case .cancelled(let reason): return "attempt cancelled: \(reason)"
        }
    }

    /// Classifies an error NIO reported while connecting.
    init(classifying error: any Error, host: String) {
        switch error {
        case let error as ConnectError:
            self = error
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
        case let error as NIOSSLError:
            self = .tlsFailure(detail: "\(error)")
        case let error as BoringSSLError:
            self = .tlsFailure(detail: "\(error)")
        case let error as IOError:
            self = Self.classifySocketError(error, address: host)
        default:
            self = .connectionLost(detail: "\(error)")
        }
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
