import CZlib
import WSMonCore

/// Makes zlib-backed permessage-deflate engines; the client layer plugs it into the core.
public struct ZlibDeflateEngineFactory: PerMessageDeflateEngineFactory {
    public init() {}

    public func makeEngine(_ parameters: PerMessageDeflateParameters) -> (any PerMessageDeflateEngine)? {
        ZlibDeflateEngine(parameters)
    }
}

/// RFC 7692 §7.2 on zlib's raw DEFLATE, one engine per connection. Each direction's
/// stream is made on its first message, so a session that never sends pays for no
/// deflater (about 256 KiB at 15 bits) and one that never receives compressed data for no
/// inflater.
///
/// Window bits 8: zlib refuses a raw deflater with 8 bits (`deflateInit2` returns
/// Z_STREAM_ERROR; older versions silently used 9, which a peer with a 256-byte window
/// cannot inflate). When the server limits our window to 8, we compress with zlib's
/// run-length strategy, whose every match is at distance 1: far inside any window, so the
/// stream is valid for an 8-bit inflater while the Huffman coding still compresses. Our
/// inflater uses at least 9 bits: a larger inflate window accepts everything a smaller
/// one does, and it also accepts a peer whose zlib quietly used 9 when asked for 8.
public final class ZlibDeflateEngine: PerMessageDeflateEngine, @unchecked Sendable {
    // @unchecked: the engine belongs to one connection, which is used on one thread at a time.
    private let parameters: PerMessageDeflateParameters
    private var inflater: UnsafeMutablePointer<z_stream>?
    private var deflater: UnsafeMutablePointer<z_stream>?

    /// The end of every compressed message, which the sender strips (§7.2.1).
    private static let tail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]
    /// Zlib's own default compression level and memory level.
    private static let level: Int32 = 6
    private static let memoryLevel: Int32 = 8
    /// zlib writes into a stack buffer of this size, which is then appended to the
    /// message: no per-connection buffer, and no zero-filling of room zlib may not use.
    private static let stepSize = 16384

    init?(_ parameters: PerMessageDeflateParameters) {
        guard PerMessageDeflateOffer.windowBitsRange.contains(parameters.serverMaxWindowBits),
            PerMessageDeflateOffer.windowBitsRange.contains(parameters.clientMaxWindowBits)
        else { return nil }
        self.parameters = parameters
    }

    deinit {
        if let inflater {
            CZlib.inflateEnd(inflater)
            inflater.deallocate()
        }
        if let deflater {
            CZlib.deflateEnd(deflater)
            deflater.deallocate()
        }
    }

    // MARK: Inflating

    public func inflate(
        _ input: UnsafeRawBufferPointer,
        isMessageEnd: Bool,
        into output: inout [UInt8],
        limit: Int
    ) -> InflateOutcome {
        guard let stream = self.inflateStream() else { return .corrupt("zlib could not make an inflater") }
        var outcome = Self.inflate(stream, input, into: &output, limit: limit)
        guard isMessageEnd, outcome == .inflated else { return outcome }
        outcome = Self.tail.withUnsafeBytes { Self.inflate(stream, $0, into: &output, limit: limit) }
        // §7.2.2: without context takeover each message starts from an empty window.
        if self.parameters.serverNoContextTakeover { CZlib.inflateReset(stream) }
        return outcome
    }

    private func inflateStream() -> UnsafeMutablePointer<z_stream>? {
        if let inflater { return inflater }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let bits = max(self.parameters.serverMaxWindowBits, 9)
        guard czlib_inflate_init_raw(stream, Int32(bits)) == Z_OK else {
            stream.deallocate()
            return nil
        }
        self.inflater = stream
        return stream
    }

    /// Inflates all of `input`, growing `output` step by step; never keeps more than
    /// `limit` bytes, and stops one byte past it.
    private static func inflate(
        _ stream: UnsafeMutablePointer<z_stream>,
        _ input: UnsafeRawBufferPointer,
        into output: inout [UInt8],
        limit: Int
    ) -> InflateOutcome {
        guard let base = input.baseAddress, !input.isEmpty else { return .inflated }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        return withUnsafeTemporaryAllocation(of: Bytef.self, capacity: Self.stepSize) { step in
            while true {
                let room = min(Self.stepSize, limit - output.count + 1)
                guard room > 0 else { return .limitExceeded }
                stream.pointee.next_out = step.baseAddress
                stream.pointee.avail_out = uInt(room)
                let status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                let unused = Int(stream.pointee.avail_out)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: step[..<(room - unused)]))
                stream.pointee.next_out = nil
                if output.count > limit { return .limitExceeded }
                switch status {
                case Z_OK:
                    if stream.pointee.avail_in == 0 && unused > 0 { return .inflated }
                case Z_BUF_ERROR:
                    // No progress was possible: all input is used and nothing more is pending.
                    return .inflated
                case Z_STREAM_END:
                    // A final block (BFINAL): what follows starts a new stream (§7.2.3.3).
                    CZlib.inflateReset(stream)
                    if stream.pointee.avail_in == 0 { return .inflated }
                default:
                    return .corrupt(Self.message(stream, status: status))
                }
            }
        }
    }

    // MARK: Deflating

    public func deflate(_ message: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let stream = self.deflateStream() else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(message.count / 2 + 64)
        let base = message.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.next_in = base
        stream.pointee.avail_in = uInt(message.count)
        withUnsafeTemporaryAllocation(of: Bytef.self, capacity: Self.stepSize) { step in
            repeat {
                stream.pointee.next_out = step.baseAddress
                stream.pointee.avail_out = uInt(Self.stepSize)
                _ = CZlib.deflate(stream, Z_SYNC_FLUSH)
                let written = Self.stepSize - Int(stream.pointee.avail_out)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: step[..<written]))
            } while stream.pointee.avail_out == 0
        }
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        // §7.2.1: remove the 4 octets 0x00 0x00 0xff 0xff at the tail.
        if output.count >= 4 && output.suffix(4).elementsEqual(Self.tail) { output.removeLast(4) }
        if self.parameters.clientNoContextTakeover { CZlib.deflateReset(stream) }
        return output
    }

    private func deflateStream() -> UnsafeMutablePointer<z_stream>? {
        if let deflater { return deflater }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let bits = self.parameters.clientMaxWindowBits
        // See the type's comment for window bits 8.
        let status =
            bits == 8
            ? czlib_deflate_init_raw(stream, Self.level, 9, Self.memoryLevel, Z_RLE)
            : czlib_deflate_init_raw(stream, Self.level, Int32(bits), Self.memoryLevel, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            stream.deallocate()
            return nil
        }
        self.deflater = stream
        return stream
    }

    private static func message(_ stream: UnsafeMutablePointer<z_stream>, status: Int32) -> String {
        if let text = stream.pointee.msg { return String(cString: text) }
        return "zlib status \(status)"
    }
}
