import WSMonClient

/// Why a connection attempt failed, as one short word for the table and the header's
/// counts (`✗ refused`, `failed DNS×3`); a rejected handshake is counted by its status.
public enum FailureKind: UInt8, CaseIterable, Hashable, Sendable {
    case dns, refused, unreachable, tcpTimeout, tls, proxy, rejected, handshake, openTimeout, lost, cancelled

    public init(_ error: ConnectError) {
        switch error {
        case .dnsFailure: self = .dns
        case .connectionRefused: self = .refused
        case .networkUnreachable: self = .unreachable
        case .tcpConnectTimeout: self = .tcpTimeout
        case .tlsFailure: self = .tls
        case .proxyFailure: self = .proxy
        case .handshakeRejected: self = .rejected
        case .handshakeFailed: self = .handshake
        case .openTimeout: self = .openTimeout
        case .connectionLost: self = .lost
        case .cancelled: self = .cancelled
        }
    }

    /// The word shown; a rejection shows its HTTP status instead.
    public var label: String {
        switch self {
        case .dns: return "DNS"
        case .refused: return "refused"
        case .unreachable: return "unreachable"
        case .tcpTimeout: return "TCP timeout"
        case .tls: return "TLS"
        case .proxy: return "proxy"
        case .rejected: return "HTTP"
        case .handshake: return "handshake"
        case .openTimeout: return "open timeout"
        case .lost: return "lost"
        case .cancelled: return "cancelled"
        }
    }
}
