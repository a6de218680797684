extension OutgoingMessage {
    /// A message as people type it: text as given, "hex:0a 1b…" for binary, "text:…" to
    /// send text that starts with "hex:". Nil when the hex digits are not pairs of digits.
    public init?(parsing text: String) {
        if text.hasPrefix("text:") {
            self = .text(String(text.dropFirst(5)))
            return
        }
        guard text.hasPrefix("hex:") else {
            self = .text(text)
            return
        }
        guard let bytes = Self.hexBytes(text.dropFirst(4)) else { return nil }
        self = .binary(bytes)
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.filter { !$0.isWhitespace }.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = self.hexValue(digits[index]), let low = self.hexValue(digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
