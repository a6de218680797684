public import WSMonCore

/// A response head that accepts `connection`'s handshake.
public func acceptingResponse(for connection: ClientConnection, extraHeaders: String = "") -> [UInt8] {
    Array(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(connection.request.expectedAccept)\r\n\(extraHeaders)\r\n").utf8
    )
}

/// A connection that has completed its handshake, with the request and the `.opened`
/// event drained.
public func openConnection(options: ConnectionOptions = ConnectionOptions(), seed: UInt64 = 1) -> ClientConnection {
    var connection = try! ClientConnection(
        url: try! WebSocketURL(parsing: "ws://example.com/chat"),
        options: options,
        random: SeededRandom(seed: seed)
    )
    _ = connection.takeBytesToSend()
    connection.receive(acceptingResponse(for: connection))
    precondition(connection.state == .open)
    _ = connection.takeEvents()
    return connection
}

extension ClientConnection {
    /// Feeds bytes and returns the events they produced.
    public mutating func feed(_ bytes: [UInt8]) -> [WebSocketEvent] {
        self.receive(bytes)
        return self.takeEvents()
    }

    /// Feeds frames and returns the events they produced.
    public mutating func feed(_ frames: ServerFrame...) -> [WebSocketEvent] {
        self.feed(frames.bytes)
    }

    /// The frames written since the last call.
    public mutating func sentFrames() -> [SentFrame] {
        SentFrame.parse(self.takeBytesToSend())
    }
}

extension Array where Element == WebSocketEvent {
    /// The events without frame records, which most tests do not look at.
    public var withoutFrames: [WebSocketEvent] {
        self.filter {
            if case .frame = $0 { return false }
            return true
        }
    }

    public var violations: [PeerViolation] {
        self.compactMap {
            if case .violation(let violation) = $0 { return violation }
            return nil
        }
    }

    public var closeSentCount: Int {
        self.count {
            if case .closeSent = $0 { return true }
            return false
        }
    }

    public var summary: CloseSummary? {
        self.lazy.compactMap {
            if case .closed(let summary) = $0 { return summary }
            return nil
        }.first
    }
}
