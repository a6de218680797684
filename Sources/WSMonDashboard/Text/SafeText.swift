import WSMonMonitor

/// Text from a peer (payloads, close reasons, header values, URLs) made safe to draw: a
/// server must not be able to drive the terminal or hide what it sent. Control characters,
/// C1 controls, line separators, bidirectional overrides and invisible format characters
/// become visible escapes (`\e`, `\x9b`, `\u{202E}`), drawn in the `escaped` style.
public enum SafeText {
    public struct Segment: Hashable, Sendable {
        public var text: String
        public var isEscape: Bool

        public init(_ text: String, isEscape: Bool) {
            self.text = text
            self.isEscape = isEscape
        }
    }

    /// `text` split into plain runs and escapes.
    public static func segments(of text: some StringProtocol) -> [Segment] {
        // Most peer text is printable ASCII: one segment, no look at each character.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return text.isEmpty ? [] : [Segment(String(text), isEscape: false)]
        }
        var segments: [Segment] = []
        var plain = ""
        for character in text {
            if let escape = self.escape(character) {
                if !plain.isEmpty {
                    segments.append(Segment(plain, isEscape: false))
                    plain = ""
                }
                segments.append(Segment(escape, isEscape: true))
            } else {
                plain.append(character)
            }
        }
        if !plain.isEmpty { segments.append(Segment(plain, isEscape: false)) }
        return segments
    }

    /// `text` with every unsafe character replaced by its escape, as one string.
    public static func escaped(_ text: some StringProtocol) -> String {
        self.segments(of: text).map(\.text).joined()
    }

    /// The escape for a character that must not reach the terminal as it is, or nil.
    static func escape(_ character: Character) -> String? {
        // Printable ASCII, the common case, needs no look at Unicode properties.
        if let ascii = character.asciiValue, ascii >= 0x20 && ascii < 0x7F { return nil }
        let scalars = character.unicodeScalars
        let first = scalars.first!
        if scalars.count == 1 || self.isUnsafe(first) {
            guard self.isUnsafe(first) || self.isInvisibleAlone(first) else { return nil }
            return scalars.map(self.escape(scalar:)).joined()
        }
        // A cluster whose later scalars hide something (a combining mark is fine).
        guard scalars.dropFirst().contains(where: self.isUnsafe) else { return nil }
        return scalars.map { self.isUnsafe($0) ? self.escape(scalar: $0) : String($0) }.joined()
    }

    private static func escape(scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x00: return "\\0"
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0B: return "\\v"
        case 0x0C: return "\\f"
        case 0x0D: return "\\r"
        case 0x1B: return "\\e"
        case 0x00...0xFF: return "\\x" + self.hex(scalar.value, digits: 2)
        default: return "\\u{" + self.hex(scalar.value, digits: 4) + "}"
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// Characters a terminal interprets or that change how text around them is shown
    /// (`TextSafety`, the rule JSON Lines follow too), and unassigned code points.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        if TextSafety.isUnsafe(scalar) { return true }
        switch scalar.properties.generalCategory {
        case .unassigned, .surrogate: return true
        default: return false
        }
    }

    /// Invisible on its own: a format character (zero-width space, joiner) or a lone
    /// combining mark at the start of the text.
    private static func isInvisibleAlone(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .format, .nonspacingMark, .enclosingMark, .spacingMark: return true
        default: return false
        }
    }
}
