/// The one rule for text from a peer, wherever it is shown or written (the dashboard's
/// `SafeText`, JSON Lines, exported files): which characters must appear as escapes.
package enum TextSafety {
    /// Characters a terminal interprets (C0, DEL, C1: 0x9B is CSI) or that change how the
    /// text around them reads: line and paragraph separators, bidi overrides and marks, and
    /// the other invisible format characters (zero-width space, BOM, soft hyphen…).
    package static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return true
        // Joiners hold emoji sequences and scripts together, and tags spell flags: they
        // reorder and hide nothing.
        case 0x200C, 0x200D, 0xE0020...0xE007F: return false
        case 0x20...0x7E: return false
        default: return scalar.properties.generalCategory == .format
        }
    }
}
