import CZlib

/// Raw DEFLATE straight from zlib, as a peer would produce and read it, independent of the
/// engine under test. `ReferenceDeflater` keeps its window across messages (context
/// takeover) unless made anew.
final class ReferenceDeflater {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)

    init(windowBits: Int, strategy: Int32 = Z_DEFAULT_STRATEGY) {
        self.stream.initialize(to: z_stream())
        // zlib refuses a raw deflater with 8 bits; peers use 9 (see ZlibDeflateEngine).
        let status = czlib_deflate_init_raw(self.stream, 6, Int32(max(windowBits, 9)), 8, strategy)
        precondition(status == Z_OK)
    }

    deinit {
        deflateEnd(self.stream)
        self.stream.deallocate()
    }

    /// One message, flushed and with its `00 00 FF FF` tail removed (RFC 7692 §7.2.1).
    func compress(_ message: [UInt8]) -> [UInt8] {
        var input = message
        var output = [UInt8](repeating: 0, count: message.count + 1024)
        let produced = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                self.stream.pointee.next_in = inputBuffer.baseAddress
                self.stream.pointee.avail_in = uInt(inputBuffer.count)
                self.stream.pointee.next_out = outputBuffer.baseAddress
                self.stream.pointee.avail_out = uInt(outputBuffer.count)
                precondition(deflate(self.stream, Z_SYNC_FLUSH) == Z_OK)
                precondition(self.stream.pointee.avail_in == 0)
                return outputBuffer.count - Int(self.stream.pointee.avail_out)
            }
        }
        precondition(Array(output[(produced - 4)..<produced]) == [0, 0, 0xFF, 0xFF])
        return Array(output[0..<(produced - 4)])
    }
}

final class ReferenceInflater {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)

    init(windowBits: Int) {
        self.stream.initialize(to: z_stream())
        precondition(czlib_inflate_init_raw(self.stream, Int32(windowBits)) == Z_OK)
    }

    deinit {
        inflateEnd(self.stream)
        self.stream.deallocate()
    }

    /// Inflates one message (its tail put back); nil when zlib refuses it, for instance a
    /// distance beyond the window. Output comes 64 bytes a call: zlib lets a distance reach
    /// back into the current call's output whatever the window, so only small steps make the
    /// window the whole history, as it is for a peer that reads in small pieces.
    func decompress(_ message: [UInt8], expectedSize: Int) -> [UInt8]? {
        var input = message + [0, 0, 0xFF, 0xFF]
        var output: [UInt8] = []
        var step = [UInt8](repeating: 0, count: 64)
        let valid = input.withUnsafeMutableBufferPointer { inputBuffer -> Bool in
            self.stream.pointee.next_in = inputBuffer.baseAddress
            self.stream.pointee.avail_in = uInt(inputBuffer.count)
            while output.count <= expectedSize + 1024 {
                let (status, produced) = step.withUnsafeMutableBufferPointer { stepBuffer in
                    self.stream.pointee.next_out = stepBuffer.baseAddress
                    self.stream.pointee.avail_out = uInt(stepBuffer.count)
                    let status = inflate(self.stream, Z_SYNC_FLUSH)
                    return (status, stepBuffer.count - Int(self.stream.pointee.avail_out))
                }
                output += step[0..<produced]
                guard status == Z_OK || status == Z_BUF_ERROR else { return false }
                if self.stream.pointee.avail_in == 0 && produced < step.count { return true }
            }
            return false
        }
        return valid ? output : nil
    }
}
