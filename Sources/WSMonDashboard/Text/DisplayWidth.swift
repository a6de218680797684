/// How many terminal cells a character takes: 2 for East Asian wide and fullwidth
/// characters and for emoji shown as pictures, 1 for the rest. Terminals (and glibc's
/// `wcwidth`) follow the same Unicode properties, so columns line up.
public enum DisplayWidth {
    /// The width of a character's first scalar, as glibc's `wcwidth` gives it: that is what
    /// ncurses counts, and the painter sends only that scalar and its combining marks, so the
    /// terminal, ncurses and the grid agree (an emoji sequence shows its first emoji).
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        // Nothing below U+1100 is wide, and most text is there.
        if first.value < 0x1100 { return 1 }
        if first.properties.isEmojiPresentation { return 2 }
        return self.isWide(first.value) ? 2 : 1
    }

    /// ASCII only: a column per byte, no grapheme breaking needed (most of the screen).
    static func isASCII(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 }
    }

    public static func of(_ text: some StringProtocol) -> Int {
        if self.isASCII(text) { return text.utf8.count }
        var total = 0
        for character in text { total += self.of(character) }
        return total
    }

    // East Asian Width W and F outside the emoji blocks (Unicode 15), sorted.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
        0x17000...0x18CFF, 0x1AFF0...0x1B2FF, 0x1F200...0x1F202, 0x1F210...0x1F23B,
        0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265, 0x20000...0x2FFFD,
        0x30000...0x3FFFD,
    ]

    static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0
        var high = self.wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = self.wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
