/// Settings of one connection's protocol behaviour and handshake.
public struct ConnectionOptions: Hashable, Sendable {
    /// Frames larger than this fail the connection with 1009 before their payload is read.
    public var maxFrameSize: Int = 64 * 1024 * 1024
    /// Messages larger than this fail the connection with 1009 before the excess is buffered.
    public var maxMessageSize: Int = 64 * 1024 * 1024
    /// Emit a `.frame` record for every frame in and out.
    public var recordFrames: Bool = true
    /// Answer the peer's Close at once (after finishing an outgoing fragmented message).
    /// When false the connection stays half-closed until `close()` is called.
    public var replyToCloseAutomatically: Bool = true
    public var origin: String?
    public var subprotocols: [String] = []
    public var extraHeaders: [HTTPHeaders.Field] = []
    public var userAgent: String? = "wsmon"
    /// The permessage-deflate offer (RFC 7692); nil offers none. It is sent only when the
    /// connection is given an engine factory to compress with.
    public var deflate: PerMessageDeflateOffer?

    public init() {}
}
