/// What the lab saw on one connection: how tests check the client from the server's side.
public struct LabConnectionRecord: Sendable {
    public struct Frame: Sendable, Equatable {
        public var opcode: UInt8
        public var fin: Bool
        public var payload: [UInt8]
        /// Set on a compressed message's first frame (the deflate scenarios record it).
        public var rsv1 = false
    }

    public var id: Int
    public var path: String
    public var framesReceived: [Frame] = []
    /// Frames a flood sent so far (updated once per burst): how tests see a server held back.
    public var framesSent = 0
    /// Text messages received, reassembled.
    public var messagesReceived: [String] = []
    /// The code of each Close frame the client sent (nil for an empty Close).
    public var closeCodesReceived: [UInt16?] = []
    /// True when the client closed TCP before the lab did; nil while open.
    public var clientClosedTCPFirst: Bool?
    public var isOpen: Bool { self.clientClosedTCPFirst == nil }
}
