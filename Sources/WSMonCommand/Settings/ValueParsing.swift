import Foundation
import WSMonClient

/// Parsing of the value syntaxes shared by flags and config files.
enum ValueParsing {
    /// "250ms", "2s", "1.5m", "1h" or a bare number of seconds.
    static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let number = Double(trimmed.dropLast(unit.suffix.count)) else { return nil }
            return self.duration(seconds: number * unit.seconds)
        }
        return Double(trimmed).flatMap { self.duration(seconds: $0) }
    }

    static func duration(seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Text as given; "hex:0a1b…" is a binary message; "text:…" forces text.
    static func message(_ text: String) -> OutgoingMessage? {
        if text.hasPrefix("text:") { return .text(String(text.dropFirst(5))) }
        guard text.hasPrefix("hex:") else { return .text(text) }
        return self.hexBytes(String(text.dropFirst(4))).map { .binary($0) }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
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

    /// "Name: value".
    static func header(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
            return nil
        }
        return (name, value)
    }

    /// "1000,4001 4002".
    static func closeCodes(_ text: String) -> [UInt16]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " })
        let codes = parts.compactMap { UInt16($0) }
        return codes.count == parts.count ? codes : nil
    }
}
