import Foundation

/// Builds one JSON object as text, fields in the order added. Strings are escaped so that
/// no control character or escape sequence from a peer reaches a terminal raw.
struct JSONObject {
    private(set) var text = "{"
    private var isEmpty = true

    private mutating func key(_ name: String) {
        if !self.isEmpty { self.text += "," }
        self.isEmpty = false
        self.text += "\""
        self.text += name
        self.text += "\":"
    }

    mutating func add(_ name: String, _ value: String) {
        self.key(name)
        Self.appendQuoted(value, to: &self.text)
    }

    mutating func add(_ name: String, _ value: Int) {
        self.key(name)
        self.text += String(value)
    }

    mutating func add(_ name: String, _ value: UInt64) {
        self.key(name)
        self.text += String(value)
    }

    mutating func add(_ name: String, _ value: Double) {
        self.key(name)
        self.text += value.isFinite ? String(format: "%.3f", value) : "null"
    }

    mutating func add(_ name: String, _ value: Bool) {
        self.key(name)
        self.text += value ? "true" : "false"
    }

    mutating func add(_ name: String, _ value: [String]) {
        self.key(name)
        self.text += "["
        for (index, element) in value.enumerated() {
            if index > 0 { self.text += "," }
            Self.appendQuoted(element, to: &self.text)
        }
        self.text += "]"
    }

    mutating func addNull(_ name: String) {
        self.key(name)
        self.text += "null"
    }

    func line() -> String { self.text + "}\n" }

    static func appendQuoted(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                text += String(format: "\\u%04x", scalar.value)
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
