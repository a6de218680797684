import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// Builds one JSON object as UTF-8 bytes, fields in the order added. Strings are escaped so
/// that no control character or escape sequence from a peer reaches a terminal raw. Bytes,
/// not a String: at 10,000 messages a second the appending is the output's whole cost.
package struct JSONObject {
    package private(set) var bytes: [UInt8]

    package init() {
        self.bytes = []
        self.bytes.reserveCapacity(256)
        self.bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: StaticString) {
        if self.bytes.count > 1 { self.bytes.append(UInt8(ascii: ",")) }
        self.bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(UInt8(ascii: ":"))
    }

    package mutating func add(_ name: StaticString, _ value: String) {
        self.key(name)
        Self.appendQuoted(value, to: &self.bytes)
    }

    /// A field whose name is data (a violation's name), escaped like any string.
    package mutating func add(dynamic name: String, _ value: Int) {
        if self.bytes.count > 1 { self.bytes.append(UInt8(ascii: ",")) }
        Self.appendQuoted(name, to: &self.bytes)
        self.bytes.append(UInt8(ascii: ":"))
        Self.appendDecimal(value, to: &self.bytes)
    }

    package mutating func add(_ name: StaticString, _ value: Int) {
        self.key(name)
        Self.appendDecimal(value, to: &self.bytes)
    }

    package mutating func add(_ name: StaticString, _ value: UInt64) {
        self.key(name)
        Self.appendDecimal(Int(clamping: value), to: &self.bytes)
    }

    /// Three decimals, like "12.345"; null when not finite.
    package mutating func add(_ name: StaticString, _ value: Double) {
        self.key(name)
        guard value.isFinite, abs(value) < 1e15 else { return self.appendLiteral("null") }
        let thousandths = Int((value * 1000).rounded())
        if thousandths < 0 { self.bytes.append(UInt8(ascii: "-")) }
        Self.appendDecimal(abs(thousandths) / 1000, to: &self.bytes)
        self.bytes.append(UInt8(ascii: "."))
        Self.appendDecimal(abs(thousandths) % 1000, width: 3, to: &self.bytes)
    }

    package mutating func add(_ name: StaticString, _ value: Bool) {
        self.key(name)
        self.appendLiteral(value ? "true" : "false")
    }

    package mutating func addNull(_ name: StaticString) {
        self.key(name)
        self.appendLiteral("null")
    }

    private mutating func appendLiteral(_ literal: StaticString) {
        literal.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
    }

    /// `[["name","value"],…]`: header fields, in their order.
    package mutating func add(_ name: StaticString, pairs: [(String, String)]) {
        self.key(name)
        self.bytes.append(UInt8(ascii: "["))
        for (index, pair) in pairs.enumerated() {
            if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
            self.bytes.append(UInt8(ascii: "["))
            Self.appendQuoted(pair.0, to: &self.bytes)
            self.bytes.append(UInt8(ascii: ","))
            Self.appendQuoted(pair.1, to: &self.bytes)
            self.bytes.append(UInt8(ascii: "]"))
        }
        self.bytes.append(UInt8(ascii: "]"))
    }

    /// An object already encoded (a `JSONObject`'s `line()` without its newline).
    package mutating func add(_ name: StaticString, object: JSONObject) {
        self.key(name)
        self.bytes.append(contentsOf: object.bytes)
        self.bytes.append(UInt8(ascii: "}"))
    }

    /// Fields already encoded (`"a":1,"b":2`), appended as they are.
    package mutating func appendFields(_ fields: [UInt8]) {
        if self.bytes.count > 1 { self.bytes.append(UInt8(ascii: ",")) }
        self.bytes.append(contentsOf: fields)
    }

    /// The text of a timestamp up to its seconds, kept for the second it was made for (most
    /// lines of a session fall in the second of the line before).
    package struct SecondStamp {
        fileprivate var second = Int.min
        fileprivate var text: [UInt8] = []

        package init() {}
    }

    /// "2026-11-25T05:30:00.123Z" ("….123456Z" with `microseconds`, for a record, whose
    /// replay must time steps as finely as the live run did), reusing `stamp` while the
    /// second is the same.
    package mutating func addTimestamp(
        _ name: StaticString,
        _ date: Date,
        reusing stamp: inout SecondStamp,
        microseconds: Bool = false
    ) {
        self.key(name)
        let interval = date.timeIntervalSince1970
        let whole = Int(interval.rounded(.down))
        if whole != stamp.second {
            stamp.second = whole
            stamp.text.removeAll(keepingCapacity: true)
            var seconds = time_t(whole)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            stamp.text.append(UInt8(ascii: "\""))
            Self.appendDecimal(Int(parts.tm_year) + 1900, width: 4, to: &stamp.text)
            stamp.text.append(UInt8(ascii: "-"))
            Self.appendDecimal(Int(parts.tm_mon) + 1, width: 2, to: &stamp.text)
            stamp.text.append(UInt8(ascii: "-"))
            Self.appendDecimal(Int(parts.tm_mday), width: 2, to: &stamp.text)
            stamp.text.append(UInt8(ascii: "T"))
            Self.appendDecimal(Int(parts.tm_hour), width: 2, to: &stamp.text)
            stamp.text.append(UInt8(ascii: ":"))
            Self.appendDecimal(Int(parts.tm_min), width: 2, to: &stamp.text)
            stamp.text.append(UInt8(ascii: ":"))
            Self.appendDecimal(Int(parts.tm_sec), width: 2, to: &stamp.text)
            stamp.text.append(UInt8(ascii: "."))
        }
        self.bytes.append(contentsOf: stamp.text)
        // Milliseconds are cut (a line never shows a later millisecond than it happened in);
        // microseconds are rounded, so that a time read back from a record and written
        // again gives the same digits (a Double near 1.8e9 s holds a quarter microsecond).
        let (scale, digits) = microseconds ? (1_000_000.0, 6) : (1000.0, 3)
        let scaled = (interval - Double(whole)) * scale
        let fraction = min(Int(scale) - 1, Int(microseconds ? scaled.rounded() : scaled.rounded(.down)))
        Self.appendDecimal(fraction, width: digits, to: &self.bytes)
        self.bytes.append(UInt8(ascii: "Z"))
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// The object closed, with its newline (the object is done after this).
    package mutating func line() -> [UInt8] {
        self.bytes.append(UInt8(ascii: "}"))
        self.bytes.append(UInt8(ascii: "\n"))
        return self.bytes
    }

    package static func appendDecimal(_ value: Int, width: Int = 1, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            return self.appendDecimal(value == .min ? .max : -value, width: width, to: &bytes)
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var remaining = value
            var count = 0
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            } while remaining > 0
            while count < width && count < 24 {
                buffer[23 - count] = UInt8(ascii: "0")
                count += 1
            }
            return count
        }
        withUnsafeBytes(of: &digits) { bytes.append(contentsOf: $0[(24 - count)...]) }
    }

    /// A JSON string: quotes, backslashes, control characters (C0, DEL, C1), line
    /// separators, bidi overrides and invisible format characters escaped (the dashboard's
    /// rule, `TextSafety`), so `--headless | less` shows what a server sent, in its order;
    /// everything else as its UTF-8 bytes. JSON escapes are lossless: a parser reads the
    /// same string.
    package static func appendQuoted(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                switch byte {
                case UInt8(ascii: "\""): Self.appendEscape(UInt8(ascii: "\""), to: &bytes)
                case UInt8(ascii: "\\"): Self.appendEscape(UInt8(ascii: "\\"), to: &bytes)
                case 0x0A: Self.appendEscape(UInt8(ascii: "n"), to: &bytes)
                case 0x0D: Self.appendEscape(UInt8(ascii: "r"), to: &bytes)
                case 0x09: Self.appendEscape(UInt8(ascii: "t"), to: &bytes)
                case 0x00..<0x20, 0x7F: self.appendUnicodeEscape(UInt32(byte), to: &bytes)
                case 0xC2, 0xD8, 0xDB, 0xDC, 0xE1, 0xE2, 0xEF, 0xF0, 0xF3:
                    // Only these lead bytes start a scalar the rule escapes; CJK and the rest
                    // of the non-ASCII range are copied without decoding.
                    let (scalar, length) = Self.decodeScalar(utf8, at: index)
                    if let scalar, TextSafety.isUnsafe(scalar) {
                        self.appendUnicodeEscape(scalar.value, to: &bytes)
                    } else {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[index..<(index + length)]))
                    }
                    index += length - 1
                default: bytes.append(byte)
                }
                index += 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A backslash and `character`, byte by byte (an array literal here would allocate).
    private static func appendEscape(_ character: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(character)
    }

    /// The scalar starting at `index` of valid UTF-8 (a Swift string's) and its length.
    private static func decodeScalar(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar?, Int) {
        let lead = UInt32(utf8[index])
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard index + length <= utf8.count else { return (nil, utf8.count - index) }
        var value = lead & (0x7F >> UInt32(length))
        for offset in 1..<length { value = value << 6 | UInt32(utf8[index + offset] & 0x3F) }
        return (Unicode.Scalar(value), length)
    }

    /// `\uXXXX`, or a surrogate pair beyond the Basic Multilingual Plane (RFC 8259 §7).
    private static func appendUnicodeEscape(_ value: UInt32, to bytes: inout [UInt8]) {
        if value > 0xFFFF {
            let offset = value - 0x10000
            self.appendUnicodeEscape(0xD800 + (offset >> 10), to: &bytes)
            self.appendUnicodeEscape(0xDC00 + (offset & 0x3FF), to: &bytes)
            return
        }
        self.appendEscape(UInt8(ascii: "u"), to: &bytes)
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8((value >> UInt32(shift)) & 0xF)
            bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }
}
