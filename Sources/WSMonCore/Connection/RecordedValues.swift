/// Values rebuilt from a record, for a replay: a request as it was sent (its headers as
/// recorded) and a ping's number. Never used to talk to a peer.
extension HandshakeRequest {
    public init(recordedURL url: WebSocketURL, key: String, subprotocols: [String], headers: HTTPHeaders) {
        self.url = url
        self.key = key
        self.subprotocols = subprotocols
        self.headers = headers
    }
}

extension PingID {
    public init(recorded rawValue: UInt64) {
        self.rawValue = rawValue
    }
}
