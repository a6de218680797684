/// Lines of spans fitted to a width: wrapped onto more lines, or cut to a window that
/// scrolls sideways. Peer text is made safe first (its escapes become spans of their own),
/// so a wrap never splits an escape and widths are those drawn.
enum SpanLayout {
    /// The spans as drawn: peer text split into plain runs and escapes.
    static func resolved(_ line: [Span]) -> [Span] {
        var result: [Span] = []
        for span in line {
            guard span.isPeerText else {
                result.append(span)
                continue
            }
            for segment in SafeText.segments(of: span.text) {
                result.append(Span(segment.text, segment.isEscape ? .escaped : span.role))
            }
        }
        return result
    }

    /// `line` on as many lines of `width` columns as it needs (at least one).
    static func wrap(_ line: [Span], width: Int) -> [[Span]] {
        guard width > 0 else { return [line] }
        var lines: [[Span]] = [[]]
        var column = 0
        for span in self.resolved(line) {
            // An escape stays whole: it moves to the next line when it does not fit.
            if span.role == .escaped, column > 0, column + span.width > width {
                lines.append([])
                column = 0
            }
            var rest = Substring(span.text)
            let ascii = DisplayWidth.isASCII(rest)
            while !rest.isEmpty {
                let room = width - column
                let (piece, pieceWidth) = self.prefix(of: rest, fitting: room, ascii: ascii)
                if piece.isEmpty {
                    if column == 0 {
                        // A character wider than the whole line: drawn alone.
                        let character = rest.removeFirst()
                        lines[lines.count - 1].append(Span(String(character), span.role))
                    }
                    lines.append([])
                    column = 0
                    continue
                }
                lines[lines.count - 1].append(Span(String(piece), span.role))
                column += pieceWidth
                rest = rest[piece.endIndex...]
                if !rest.isEmpty {
                    lines.append([])
                    column = 0
                }
            }
        }
        return lines
    }

    /// The columns `from..<from + width` of `line`; `isCut` says whether more follows.
    static func window(_ line: [Span], from start: Int, width: Int) -> (spans: [Span], isCut: Bool) {
        var result: [Span] = []
        var column = 0
        var isCut = false
        for span in self.resolved(line) {
            var text = Substring(span.text)
            let ascii = DisplayWidth.isASCII(text)
            // Skip what is left of the window.
            if column < start {
                let (skipped, skippedWidth) = self.prefix(of: text, fitting: start - column, ascii: ascii)
                text = text[skipped.endIndex...]
                column += skippedWidth
                if column < start, !text.isEmpty {
                    // A wide character across the window's edge: its right half shows as a space.
                    text = text.dropFirst()
                    column += 2
                    result.append(Span(" ", span.role))
                }
            }
            guard !text.isEmpty else { continue }
            let shownSoFar = max(0, column - start)
            let (piece, pieceWidth) = self.prefix(of: text, fitting: width - shownSoFar, ascii: ascii)
            if !piece.isEmpty { result.append(Span(String(piece), span.role)) }
            column += pieceWidth
            if piece.endIndex < text.endIndex {
                isCut = true
                break
            }
        }
        return (result, isCut)
    }

    /// The longest prefix of `text` no wider than `width` columns, and its width; `ascii`
    /// (known by the caller) makes it a byte count.
    static func prefix(of text: Substring, fitting width: Int, ascii: Bool) -> (Substring, Int) {
        guard width > 0 else { return (text[text.startIndex..<text.startIndex], 0) }
        if ascii {
            let end = text.utf8.index(text.startIndex, offsetBy: min(width, text.utf8.count))
            return (text[..<end], text.utf8.distance(from: text.startIndex, to: end))
        }
        var used = 0
        var end = text.startIndex
        for character in text {
            let characterWidth = DisplayWidth.of(character)
            if used + characterWidth > width { break }
            used += characterWidth
            end = text.index(after: end)
        }
        return (text[..<end], used)
    }
}
