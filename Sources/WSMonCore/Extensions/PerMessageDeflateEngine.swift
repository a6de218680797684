/// The compression the core calls per message once permessage-deflate is negotiated. The
/// core knows the framing rules (RSV1 on a message's first frame, control frames never
/// compressed, the size limit); an engine knows DEFLATE (RFC 7692 §7.2): the trailing
/// `00 00 FF FF`, context takeover, window sizes. Like Python websockets'
/// `extensions/permessage_deflate.py`, one engine serves one connection, both directions.
///
/// The zlib-backed engine is in the `WSMonDeflate` target; the core stays free of zlib.
public protocol PerMessageDeflateEngine: AnyObject, Sendable {
    /// Inflates the next piece of a compressed message, appending to `output`. At the
    /// message's end (`isMessageEnd`) the engine adds the stripped tail and, without context
    /// takeover, forgets the window. It never lets `output` grow past `limit` bytes: it
    /// returns `.limitExceeded` as soon as the message would, having inflated at most a
    /// bounded step beyond what it kept.
    func inflate(
        _ input: UnsafeRawBufferPointer,
        isMessageEnd: Bool,
        into output: inout [UInt8],
        limit: Int
    ) -> InflateOutcome

    /// Compresses a whole message, tail stripped (§7.2.1), with our window and context
    /// takeover as negotiated; nil when it cannot (no memory for a deflater), and the
    /// message then goes uncompressed, which §6 allows for any message.
    func deflate(_ message: UnsafeRawBufferPointer) -> [UInt8]?
}

public enum InflateOutcome: Hashable, Sendable {
    case inflated
    /// The message inflates to more than the limit.
    case limitExceeded
    /// Not valid DEFLATE data; the detail is the decompressor's message.
    case corrupt(String)
}

/// Makes the engine for a connection once its handshake has agreed on the parameters.
public protocol PerMessageDeflateEngineFactory: Sendable {
    /// nil when no engine can be made (the library refused the parameters or had no memory);
    /// the handshake then fails as `compressionUnavailable`.
    func makeEngine(_ parameters: PerMessageDeflateParameters) -> (any PerMessageDeflateEngine)?
}
