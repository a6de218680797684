import CZlib

/// The lab's own raw DEFLATE on zlib (not the client's engine: a bug must not hide by being
/// on both ends). One direction per object, one connection's event loop.
final class LabDeflater {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let resetsPerMessage: Bool

    /// zlib refuses 8 bits for raw deflate; at 8 the run-length strategy keeps every match
    /// at distance 1, valid for a 256-byte window.
    init(windowBits: Int, resetsPerMessage: Bool) {
        self.resetsPerMessage = resetsPerMessage
        self.stream.initialize(to: z_stream())
        let strategy = windowBits == 8 ? Z_RLE : Z_DEFAULT_STRATEGY
        let status = czlib_deflate_init_raw(self.stream, 6, Int32(max(windowBits, 9)), 8, strategy)
        precondition(status == Z_OK, "zlib deflateInit2 failed: \(status)")
    }

    deinit {
        deflateEnd(self.stream)
        self.stream.deallocate()
    }

    /// One message with its `00 00 FF FF` tail removed (RFC 7692 §7.2.1).
    func compress(_ message: [UInt8]) -> [UInt8] {
        var input = message
        var output: [UInt8] = []
        input.withUnsafeMutableBufferPointer { inputBuffer in
            self.stream.pointee.next_in = inputBuffer.baseAddress
            self.stream.pointee.avail_in = uInt(inputBuffer.count)
            repeat {
                var chunk = [UInt8](repeating: 0, count: 64 * 1024)
                let produced = chunk.withUnsafeMutableBufferPointer { buffer in
                    self.stream.pointee.next_out = buffer.baseAddress
                    self.stream.pointee.avail_out = uInt(buffer.count)
                    _ = deflate(self.stream, Z_SYNC_FLUSH)
                    return buffer.count - Int(self.stream.pointee.avail_out)
                }
                output += chunk[0..<produced]
            } while self.stream.pointee.avail_out == 0
            self.stream.pointee.next_in = nil
            self.stream.pointee.next_out = nil
        }
        if output.suffix(4).elementsEqual([0, 0, 0xFF, 0xFF]) { output.removeLast(4) }
        if self.resetsPerMessage { deflateReset(self.stream) }
        return output
    }
}

final class LabInflater {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let resetsPerMessage: Bool

    init(resetsPerMessage: Bool) {
        self.resetsPerMessage = resetsPerMessage
        self.stream.initialize(to: z_stream())
        precondition(czlib_inflate_init_raw(self.stream, 15) == Z_OK)
    }

    deinit {
        inflateEnd(self.stream)
        self.stream.deallocate()
    }

    /// One whole message; nil when it is not valid DEFLATE data or inflates past `limit`.
    func decompress(_ message: [UInt8], limit: Int = 16 << 20) -> [UInt8]? {
        var input = message + [0, 0, 0xFF, 0xFF]
        var output: [UInt8] = []
        let valid = input.withUnsafeMutableBufferPointer { inputBuffer -> Bool in
            self.stream.pointee.next_in = inputBuffer.baseAddress
            self.stream.pointee.avail_in = uInt(inputBuffer.count)
            defer { self.stream.pointee.next_in = nil }
            while true {
                var chunk = [UInt8](repeating: 0, count: 64 * 1024)
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer in
                    self.stream.pointee.next_out = buffer.baseAddress
                    self.stream.pointee.avail_out = uInt(buffer.count)
                    let status = inflate(self.stream, Z_SYNC_FLUSH)
                    return (status, buffer.count - Int(self.stream.pointee.avail_out))
                }
                self.stream.pointee.next_out = nil
                output += chunk[0..<produced]
                guard output.count <= limit, status == Z_OK || status == Z_BUF_ERROR else { return false }
                if self.stream.pointee.avail_in == 0 && self.stream.pointee.avail_out > 0 { return true }
            }
        }
        if self.resetsPerMessage { inflateReset(self.stream) }
        return valid ? output : nil
    }
}
