/// The RFC 6455 client protocol as a pure state machine: bytes and commands in, bytes,
/// events and "close the transport now" out. It performs no I/O, reads no clock and
/// starts no thread; the caller owns the socket and every timer.
///
/// Calling contract (after every input, in this order):
/// 1. write `takeBytesToSend()` to the network;
/// 2. process `takeEvents()`;
/// 3. if `shouldCloseTransport`, close the TCP connection (after the write completes);
///    while `state` is `.closing`, `.halfClosed` or `.closedAwaitingTransport`, run a close
///    timer and call `closeTimeoutExpired()` when it fires.
///
/// Every rule lives in this type and its extensions (Handshake, Receiving, Sending, Pongs,
/// Closing): an input either changes `state` in one place or returns having changed nothing.
public struct ClientConnection: Sendable {
    enum State {
        case connecting
        case open
        case closing(CloseProgress)
        case halfClosed(CloseProgress)
        case closedAwaitingTransport(CloseProgress)
        case closed(CloseSummary)

        var publicState: ConnectionState {
            switch self {
            case .connecting: return .connecting
            case .open: return .open
            case .closing: return .closing
            case .halfClosed: return .halfClosed
            case .closedAwaitingTransport: return .closedAwaitingTransport
            case .closed: return .closed
            }
        }
    }

    /// Facts gathered during a close handshake; becomes a `CloseSummary` when done.
    struct CloseProgress {
        var initiator: CloseSummary.Initiator
        var sent: CloseFrame?
        var received: CloseFrame?
        var failure: ConnectionFailure?

        func summary(transportClosedBy: CloseSummary.TransportCloser, timeoutIn: ConnectionState? = nil) -> CloseSummary
        {
            CloseSummary(
                initiator: self.initiator,
                sent: self.sent,
                received: self.received,
                failure: self.failure,
                closeTimeoutFiredIn: timeoutIn,
                transportClosedBy: transportClosedBy
            )
        }
    }

    var internalState: State = .connecting {
        didSet { self.state = self.internalState.publicState }
    }
    public let options: ConnectionOptions
    /// The upgrade request this connection sent (headers as sent, secrets included).
    public let request: HandshakeRequest
    /// The accepted response, once open.
    public internal(set) var response: HandshakeResponse?

    var random: any RandomNumberGenerator & Sendable
    var outbound: [UInt8] = []
    var events: [WebSocketEvent] = []

    // Receiving side.
    var responseParser = ResponseHeadParser()
    var rejection: (HandshakeRejection, RejectionBodyReader)?
    var decoder = FrameDecoder()
    var inbound = InboundFrame()
    var message = MessageAssembler()
    /// After a failure nothing more from the peer is processed (§7.1.7).
    var discardingInput = false

    // Sending side.
    var outboundMessage: Opcode?
    var pings = PingTracker()
    /// The caller's outbound buffer is full: pongs are held, the latest ping's only.
    var outboundBlocked = false
    var heldPong: [UInt8]?
    var violationTally = ViolationTally()

    // Compression (RFC 7692): the factory given at init, the engine once negotiated.
    let deflateEngines: (any PerMessageDeflateEngineFactory)?
    var deflate: (any PerMessageDeflateEngine)?

    /// Creates a connection and queues the upgrade request (take it with `takeBytesToSend()`).
    /// `random` supplies the Sec-WebSocket-Key and every masking key; the default is the
    /// system's cryptographically secure generator. `deflateEngines` compresses when
    /// `options.deflate` is offered and the server accepts; without it nothing is offered.
    public init(
        url: WebSocketURL,
        options: ConnectionOptions = ConnectionOptions(),
        deflateEngines: (any PerMessageDeflateEngineFactory)? = nil,
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) throws(HandshakeRequest.InvalidHeader) {
        var generator = random
        self.options = options
        self.deflateEngines = options.deflate == nil ? nil : deflateEngines
        self.request = try HandshakeRequest(
            url: url,
            origin: options.origin,
            subprotocols: options.subprotocols,
            extensions: self.deflateEngines == nil ? nil : options.deflate?.headerValue,
            extraHeaders: options.extraHeaders.map { ($0.name, $0.value) },
            userAgent: options.userAgent,
            random: &generator
        )
        self.random = generator
        self.outbound = self.request.bytes
    }

    /// Kept in step with `internalState` on every transition: reading it on each frame must
    /// not copy the state's payload (a profile showed that copy on the hot path).
    public private(set) var state: ConnectionState = .connecting

    /// The summary once the connection is closed.
    public var closeSummary: CloseSummary? {
        if case .closed(let summary) = self.internalState { return summary }
        return nil
    }

    /// The connection is finished: close the transport if it is still open.
    public var shouldCloseTransport: Bool { self.state == .closed }

    /// A close handshake is under way: the caller should run its close timer.
    public var isCloseHandshakeInProgress: Bool {
        switch self.state {
        case .closing, .halfClosed, .closedAwaitingTransport: return true
        case .connecting, .open, .closed: return false
        }
    }

    /// Bytes to write to the network, in order. Drains them.
    public mutating func takeBytesToSend() -> [UInt8] {
        defer { self.outbound = [] }
        return self.outbound
    }

    public var hasBytesToSend: Bool { !self.outbound.isEmpty }

    /// Events since the last call, in wire order. Drains them.
    public mutating func takeEvents() -> [WebSocketEvent] {
        defer { self.events = [] }
        return self.events
    }

    /// Drains the events into `buffer`, replacing its contents. Reusing one buffer keeps
    /// both arrays' capacity, so a busy connection stops regrowing (and page-faulting) its
    /// event storage on every read.
    public mutating func takeEvents(into buffer: inout [WebSocketEvent]) {
        buffer.removeAll(keepingCapacity: true)
        swap(&buffer, &self.events)
    }
}
