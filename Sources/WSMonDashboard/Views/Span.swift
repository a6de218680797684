/// A run of text in one role; `isPeerText` marks text that came from a peer (or from
/// anywhere not ours) and is drawn through `SafeText`.
struct Span: Sendable {
    var text: String
    var role: Role
    var isPeerText = false

    init(_ text: String, _ role: Role = .text, peer: Bool = false) {
        self.text = text
        self.role = role
        self.isPeerText = peer
    }

    var width: Int { DisplayWidth.of(self.isPeerText ? SafeText.escaped(self.text) : self.text) }
}

extension CellGrid {
    /// Draws spans one after another from `x`, stopping at `limit`; returns the next column.
    @discardableResult
    mutating func draw(_ spans: [Span], x: Int, y: Int, limit: Int? = nil, selected: Bool = false) -> Int {
        var column = x
        for span in spans {
            let style = CellStyle(span.role, selected: selected)
            column =
                span.isPeerText
                ? self.put(peer: span.text, x: column, y: y, style: style, limit: limit)
                : self.put(span.text, x: column, y: y, style: style, limit: limit)
        }
        return column
    }

    /// Draws spans like `draw`, ending in "…" when they do not all fit before `limit`.
    @discardableResult
    mutating func drawCut(_ spans: [Span], x: Int, y: Int, limit: Int, selected: Bool = false) -> Int {
        let total = spans.reduce(0) { $0 + $1.width }
        if x + total <= limit { return self.draw(spans, x: x, y: y, limit: limit, selected: selected) }
        let column = self.draw(spans, x: x, y: y, limit: limit - 1, selected: selected)
        return self.put("…", x: column, y: y, style: CellStyle(.dim, selected: selected))
    }

    /// Draws `text` in exactly `width` columns: cut with "…" when longer, padded when
    /// shorter, on the left or right.
    mutating func drawField(
        _ text: String,
        x: Int,
        y: Int,
        width: Int,
        role: Role,
        selected: Bool,
        rightAligned: Bool = false,
        peer: Bool = false,
        keeping suffix: String? = nil
    ) {
        guard width > 0 else { return }
        let style = CellStyle(role, selected: selected)
        // A suffix that tells rows apart (the `#N` of `--count`) stays when the text is cut.
        if let suffix, text.hasSuffix(suffix), DisplayWidth.isASCII(suffix), suffix.utf8.count + 2 <= width,
            DisplayWidth.of(peer ? SafeText.escaped(text) : text) > width
        {
            let head = String(text.dropLast(suffix.count))
            self.drawField(
                head,
                x: x,
                y: y,
                width: width - suffix.utf8.count,
                role: role,
                selected: selected,
                peer: peer
            )
            self.put(suffix, x: x + width - suffix.utf8.count, y: y, style: style)
            return
        }
        // Padding in the field's own style, so a background (the column titles') runs through.
        self.fill(x: x, y: y, width: width, style: style)
        let shown = peer ? SafeText.segments(of: text) : [SafeText.Segment(text, isEscape: false)]
        let total = shown.reduce(0) { $0 + DisplayWidth.of($1.text) }
        if total <= width {
            var column = rightAligned ? x + width - total : x
            for segment in shown {
                let segmentStyle = segment.isEscape ? CellStyle(.escaped, selected: selected) : style
                column = self.put(segment.text, x: column, y: y, style: segmentStyle, limit: x + width)
            }
            return
        }
        var column = x
        for segment in shown {
            let segmentStyle = segment.isEscape ? CellStyle(.escaped, selected: selected) : style
            column = self.put(segment.text, x: column, y: y, style: segmentStyle, limit: x + width - 1)
            if column >= x + width - 1 { break }
        }
        self.put("…", x: min(column, x + width - 1), y: y, style: CellStyle(.dim, selected: selected))
    }
}
