/// Which way bytes travel through the tap.
public enum WireDirection: Sendable, Equatable, CustomStringConvertible {
    case clientToServer
    case serverToClient

    public var description: String { self == .clientToServer ? "c→s" : "s→c" }
}

/// How a side stopped sending: a FIN (its half of TCP shut) or an error such as a reset.
public enum WireTCPEnd: Sendable, Equatable {
    case fin
    case reset(String)
}

/// One WebSocket frame as it crossed the wire (RFC 6455 §5.2), read by the tap's own parser.
public struct WireFrame: Sendable, Equatable, CustomStringConvertible {
    public var opcode: UInt8
    public var fin: Bool
    /// RSV1–RSV3 as the three low bits.
    public var rsv: UInt8
    public var isMasked: Bool
    public var length: UInt64
    /// A Close frame's status code and reason, when its payload has them.
    public var closeCode: UInt16?
    public var closeReason: String?
    /// The payload of a text, ping or pong frame of 64 bytes or less, unmasked.
    public var text: String?

    public init(
        opcode: UInt8,
        fin: Bool,
        rsv: UInt8 = 0,
        isMasked: Bool,
        length: UInt64,
        closeCode: UInt16? = nil,
        closeReason: String? = nil,
        text: String? = nil
    ) {
        self.opcode = opcode
        self.fin = fin
        self.rsv = rsv
        self.isMasked = isMasked
        self.length = length
        self.closeCode = closeCode
        self.closeReason = closeReason
        self.text = text
    }

    public var isClose: Bool { self.opcode == 0x8 }

    public var opcodeName: String {
        switch self.opcode {
        case 0x0: return "continuation"
        case 0x1: return "text"
        case 0x2: return "binary"
        case 0x8: return "close"
        case 0x9: return "ping"
        case 0xA: return "pong"
        default: return "opcode-\(self.opcode)"
        }
    }

    public var description: String {
        var words = [self.opcodeName, self.fin ? "fin" : "more", self.isMasked ? "masked" : "unmasked"]
        if self.rsv != 0 { words.append("rsv=\(self.rsv)") }
        words.append("len=\(self.length)")
        if let code = self.closeCode { words.append("code=\(code)") }
        if let reason = self.closeReason { words.append("reason=\(reason.debugDescription)") }
        if let text = self.text { words.append(text.debugDescription) }
        return words.joined(separator: " ")
    }
}

/// Something the tap saw on one tapped connection.
public enum WireEvent: Sendable, Equatable {
    /// A client connected to the tap.
    case accepted
    /// The tap could not reach the server; the client's connection is closed.
    case upstreamFailed(String)
    /// The request line (client to server) or the status line (server to client).
    case httpLine(WireDirection, String)
    case frame(WireDirection, WireFrame)
    /// The side that sends in `direction` stopped: the client for `.clientToServer`. A reset
    /// may follow a FIN (the peer closed with bytes unread).
    case tcpEnded(WireDirection, WireTCPEnd)
    /// Both sides are closed: the tap will see nothing more on this connection. When one
    /// side went away, the tap closed the other itself.
    case finished
}

/// One observation, numbered by connection (1 for the first the tap accepted) and stamped
/// with the monotonic time since the tap started.
public struct WireRecord: Sendable, Equatable, CustomStringConvertible {
    public var connection: Int
    public var at: Duration
    public var event: WireEvent

    public var description: String {
        let time = "#\(self.connection) \(self.at)"
        switch self.event {
        case .accepted: return "\(time) accepted"
        case .upstreamFailed(let error): return "\(time) upstream failed: \(error)"
        case .httpLine(let direction, let line): return "\(time) \(direction) \(line)"
        case .frame(let direction, let frame): return "\(time) \(direction) \(frame)"
        case .tcpEnded(let direction, .fin): return "\(time) \(direction) FIN"
        case .tcpEnded(let direction, .reset(let error)): return "\(time) \(direction) reset: \(error)"
        case .finished: return "\(time) finished"
        }
    }
}

extension Array where Element == WireRecord {
    /// The frames sent in `direction`, in order.
    public func frames(_ direction: WireDirection) -> [WireFrame] {
        self.compactMap {
            if case .frame(direction, let frame) = $0.event { return frame }
            return nil
        }
    }

    /// True once the side sending in `direction` has stopped (FIN or reset) on `connection`:
    /// every frame it sent there has been seen.
    public func hasEnded(_ direction: WireDirection, connection: Int = 1) -> Bool {
        self.contains {
            if $0.connection == connection, case .tcpEnded(direction, _) = $0.event { return true }
            return false
        }
    }

    /// True once both sides of `connection` are closed: everything either sent was seen.
    public func isFinished(connection: Int = 1) -> Bool {
        self.contains { $0.connection == connection && $0.event == .finished }
    }

    /// Which side stopped sending first on `connection`, if either has.
    public func firstToEnd(connection: Int = 1) -> WireDirection? {
        self.lazy.compactMap {
            if $0.connection == connection, case .tcpEnded(let direction, _) = $0.event { return direction }
            return nil
        }.first
    }
}
