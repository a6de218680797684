import WSMonCore

extension CloseSummary {
    /// The reason of the 1011 we fail a connection with when a keepalive ping goes unanswered.
    public static let pongTimeoutReason = "keepalive ping timeout"

    /// This connection was failed by us because a ping went unanswered.
    public var isPongTimeout: Bool {
        if case .local(_, Self.pongTimeoutReason) = self.failure { return true }
        return false
    }
}
