/// XOR masking of payloads (RFC 6455 §5.3), a machine word at a time.
///
/// NIO's `webSocketMask` works byte by byte with `% 4`; here the 4-byte key is widened to
/// 64 bits and applied 32 bytes per iteration, with a byte loop only for the tail.
public enum Masking {
    /// Applies `key` (as it appears on the wire, most significant byte first) to `bytes`,
    /// as if the first byte of `bytes` were at payload offset `offset`. Masking twice unmasks.
    @inlinable
    public static func apply(key: UInt32, to bytes: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // Built through memory, so the word matches the byte order of the payload on any host.
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { wordBytes in
            for index in 0..<8 { wordBytes[index] = Self.keyByte(key, at: offset + index) }
        }
        let count = bytes.count
        var index = 0
        while index + 32 <= count {
            let pointer = base + index
            pointer.storeBytes(of: pointer.loadUnaligned(as: UInt64.self) ^ word, as: UInt64.self)
            (pointer + 8).storeBytes(of: (pointer + 8).loadUnaligned(as: UInt64.self) ^ word, as: UInt64.self)
            (pointer + 16).storeBytes(of: (pointer + 16).loadUnaligned(as: UInt64.self) ^ word, as: UInt64.self)
            (pointer + 24).storeBytes(of: (pointer + 24).loadUnaligned(as: UInt64.self) ^ word, as: UInt64.self)
            index += 32
        }
        while index + 8 <= count {
            let pointer = base + index
            pointer.storeBytes(of: pointer.loadUnaligned(as: UInt64.self) ^ word, as: UInt64.self)
            index += 8
        }
        while index < count {
            bytes[index] ^= Self.keyByte(key, at: offset + index)
            index += 1
        }
    }

    /// Returns a masked (or unmasked) copy of `bytes`.
    public static func applied(key: UInt32, to bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        copy.withUnsafeMutableBytes { Self.apply(key: key, to: $0) }
        return copy
    }

    @inlinable
    static func keyByte(_ key: UInt32, at position: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: key >> (24 - 8 * UInt32(position & 3)))
    }
}
