/// Pretty-prints JSON text, keeping every token as sent (key order, number spelling);
/// nil when the text is not one valid JSON value.
public enum JSONLayout {
    public static func pretty(_ text: String, indent: Int = 2) -> [String]? {
        var parser = Parser(bytes: Array(text.utf8), indent: indent)
        guard parser.value(depth: 0), parser.skipWhitespace(), parser.position == parser.bytes.count else {
            return nil
        }
        parser.endLine()
        return parser.lines
    }

    private struct Parser {
        let bytes: [UInt8]
        let indent: Int
        var position = 0
        var lines: [String] = []
        var current: [UInt8] = []

        init(bytes: [UInt8], indent: Int) {
            self.bytes = bytes
            self.indent = indent
        }

        static let maximumDepth = 256

        mutating func endLine() {
            self.lines.append(String(decoding: self.current, as: UTF8.self))
            self.current = []
        }

        mutating func newLine(depth: Int) {
            self.endLine()
            self.current = Array(repeating: UInt8(ascii: " "), count: depth * self.indent)
        }

        @discardableResult
        mutating func skipWhitespace() -> Bool {
            while self.position < self.bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(self.bytes[self.position]) {
                self.position += 1
            }
            return true
        }

        var next: UInt8? { self.position < self.bytes.count ? self.bytes[self.position] : nil }

        mutating func value(depth: Int) -> Bool {
            guard depth < Self.maximumDepth else { return false }
            self.skipWhitespace()
            switch self.next {
            case UInt8(ascii: "{"): return self.container(close: UInt8(ascii: "}"), depth: depth, isObject: true)
            case UInt8(ascii: "["): return self.container(close: UInt8(ascii: "]"), depth: depth, isObject: false)
            case UInt8(ascii: "\""): return self.string()
            case UInt8(ascii: "t"): return self.literal("true")
            case UInt8(ascii: "f"): return self.literal("false")
            case UInt8(ascii: "n"): return self.literal("null")
            default: return self.number()
            }
        }

        mutating func container(close: UInt8, depth: Int, isObject: Bool) -> Bool {
            self.current.append(self.bytes[self.position])
            self.position += 1
            self.skipWhitespace()
            if self.next == close {
                self.current.append(close)
                self.position += 1
                return true
            }
            while true {
                self.newLine(depth: depth + 1)
                if isObject {
                    self.skipWhitespace()
                    guard self.next == UInt8(ascii: "\""), self.string() else { return false }
                    self.skipWhitespace()
                    guard self.next == UInt8(ascii: ":") else { return false }
                    self.position += 1
                    self.current += Array(": ".utf8)
                }
                guard self.value(depth: depth + 1) else { return false }
                self.skipWhitespace()
                if self.next == UInt8(ascii: ",") {
                    self.current.append(UInt8(ascii: ","))
                    self.position += 1
                    continue
                }
                guard self.next == close else { return false }
                self.position += 1
                self.newLine(depth: depth)
                self.current.append(close)
                return true
            }
        }

        mutating func string() -> Bool {
            let start = self.position
            self.position += 1
            while let byte = self.next {
                self.position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    self.current += self.bytes[start..<self.position]
                    return true
                case UInt8(ascii: "\\"):
                    guard self.next != nil else { return false }
                    self.position += 1
                case 0x00..<0x20:
                    return false
                default:
                    break
                }
            }
            return false
        }

        mutating func literal(_ word: String) -> Bool {
            let expected = Array(word.utf8)
            guard self.bytes.count - self.position >= expected.count,
                Array(self.bytes[self.position..<self.position + expected.count]) == expected
            else { return false }
            self.current += expected
            self.position += expected.count
            return true
        }

        mutating func number() -> Bool {
            let start = self.position
            if self.next == UInt8(ascii: "-") { self.position += 1 }
            guard self.digits() > 0 else { return false }
            if self.next == UInt8(ascii: ".") {
                self.position += 1
                guard self.digits() > 0 else { return false }
            }
            if self.next == UInt8(ascii: "e") || self.next == UInt8(ascii: "E") {
                self.position += 1
                if self.next == UInt8(ascii: "+") || self.next == UInt8(ascii: "-") { self.position += 1 }
                guard self.digits() > 0 else { return false }
            }
            self.current += self.bytes[start..<self.position]
            return true
        }

        mutating func digits() -> Int {
            let start = self.position
            while let byte = self.next, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { self.position += 1 }
            return self.position - start
        }
    }
}

/// Bytes as a hex dump: offset, 16 bytes in hex, and their printable ASCII.
public enum HexDump {
    public static func lines(_ bytes: [UInt8], bytesPerLine: Int = 16) -> [String] {
        stride(from: 0, to: bytes.count, by: bytesPerLine).map { offset in
            let chunk = bytes[offset..<min(bytes.count, offset + bytesPerLine)]
            let hex = chunk.map(self.hex).joined(separator: " ")
            let padding = String(repeating: " ", count: (bytesPerLine - chunk.count) * 3)
            let ascii = String(chunk.map { (0x20..<0x7F).contains($0) ? Character(Unicode.Scalar($0)) : "." })
            return self.hex(offset, digits: 4) + "  " + hex + padding + "  " + ascii
        }
    }

    /// "0a 1b 2c" for a short preview.
    public static func inline(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map(self.hex).joined(separator: " ")
    }

    static func hex(_ byte: UInt8) -> String { self.hex(Int(byte), digits: 2) }

    static func hex(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
