/// A close status code (RFC 6455 §7.4). Any 16-bit value is representable so that what a
/// peer sent can be shown as it was; `isValidOnTheWire` says whether it may be sent.
public struct CloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let normalClosure = CloseCode(1000)
    public static let goingAway = CloseCode(1001)
    public static let protocolError = CloseCode(1002)
    public static let unsupportedData = CloseCode(1003)
    /// Reported, never sent: the Close frame had no status code (§7.1.5).
    public static let noStatusReceived = CloseCode(1005)
    /// Reported, never sent: the connection ended without a Close frame (§7.1.5).
    public static let abnormalClosure = CloseCode(1006)
    public static let invalidPayloadData = CloseCode(1007)
    public static let policyViolation = CloseCode(1008)
    public static let messageTooBig = CloseCode(1009)
    public static let mandatoryExtension = CloseCode(1010)
    public static let internalError = CloseCode(1011)
    public static let serviceRestart = CloseCode(1012)
    public static let tryAgainLater = CloseCode(1013)
    public static let badGateway = CloseCode(1014)
    /// Reported, never sent: the TLS handshake failed (§7.4.1).
    public static let tlsHandshake = CloseCode(1015)

    /// Codes an endpoint may put in a Close frame: the registered ones that are not
    /// reserved for reporting (1005, 1006, 1015 and the unassigned 1004), plus the
    /// ranges for libraries (3000–3999) and applications (4000–4999) (§7.4.2).
    public var isValidOnTheWire: Bool {
        switch self.rawValue {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }

    public var name: String? {
        switch self.rawValue {
        case 1000: return "normal closure"
        case 1001: return "going away"
        case 1002: return "protocol error"
        case 1003: return "unsupported data"
        case 1005: return "no status received"
        case 1006: return "abnormal closure"
        case 1007: return "invalid payload data"
        case 1008: return "policy violation"
        case 1009: return "message too big"
        case 1010: return "mandatory extension"
        case 1011: return "internal error"
        case 1012: return "service restart"
        case 1013: return "try again later"
        case 1014: return "bad gateway"
        case 1015: return "TLS handshake"
        default: return nil
        }
    }

    public var description: String {
        if let name = self.name { return "\(self.rawValue) (\(name))" }
        return String(self.rawValue)
    }
}
