/// Incremental UTF-8 validation (RFC 3629, as RFC 6455 §8.1 requires) that fails on the
/// first byte that cannot start or continue a well-formed sequence, so a bad message is
/// rejected as soon as the offending byte arrives — even mid-frame, even when a code point
/// is split across fragments.
///
/// ASCII runs are skipped 32 bytes at a time; the byte-wise path keeps, for the next
/// continuation byte, how many remain and the range the next one must fall in (this is
/// what rules out overlongs, surrogates and code points above U+10FFFF).
public struct UTF8Validator: Sendable, Equatable {
    /// Continuation bytes still expected for the current code point.
    @usableFromInline var remaining: UInt8 = 0
    /// Inclusive bounds for the next continuation byte.
    @usableFromInline var lower: UInt8 = 0x80
    @usableFromInline var upper: UInt8 = 0xBF

    public init() {}

    /// True when everything validated so far ends on a code point boundary.
    public var isComplete: Bool { self.remaining == 0 }

    /// Validates `bytes` as the continuation of what came before. Returns the index of the
    /// first invalid byte, or nil when every byte is acceptable so far.
    @inlinable
    public mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        while index < count {
            if self.remaining == 0 {
                // Fast path: skip whole ASCII blocks while at a code point boundary.
                while index + 32 <= count {
                    let pointer = base + index
                    let any =
                        pointer.loadUnaligned(as: UInt64.self) | (pointer + 8).loadUnaligned(as: UInt64.self)
                        | (pointer + 16).loadUnaligned(as: UInt64.self) | (pointer + 24).loadUnaligned(as: UInt64.self)
                    if any & 0x8080_8080_8080_8080 != 0 { break }
                    index += 32
                }
                while index + 8 <= count, (base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { return nil }
                let byte = bytes[index]
                if byte < 0x80 {
                    index += 1
                    continue
                }
                guard self.startSequence(byte) else { return index }
            } else {
                let byte = bytes[index]
                guard byte >= self.lower && byte <= self.upper else { return index }
                self.remaining -= 1
                self.lower = 0x80
                self.upper = 0xBF
            }
            index += 1
        }
        return nil
    }

    /// Convenience for arrays and other contiguous collections.
    public mutating func validate(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { self.validate($0) }
    }

    /// Whether `bytes` is complete, well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) == nil && validator.isComplete
    }

    @inlinable
    mutating func startSequence(_ byte: UInt8) -> Bool {
        switch byte {
        case 0xC2...0xDF: self.expect(1, 0x80, 0xBF)
        case 0xE0: self.expect(2, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: self.expect(2, 0x80, 0xBF)
        case 0xED: self.expect(2, 0x80, 0x9F)
        case 0xF0: self.expect(3, 0x90, 0xBF)
        case 0xF1...0xF3: self.expect(3, 0x80, 0xBF)
        case 0xF4: self.expect(3, 0x80, 0x8F)
        default: return false
        }
        return true
    }

    @inlinable
    mutating func expect(_ remaining: UInt8, _ lower: UInt8, _ upper: UInt8) {
        self.remaining = remaining
        self.lower = lower
        self.upper = upper
    }
}
