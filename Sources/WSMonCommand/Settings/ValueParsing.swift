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
