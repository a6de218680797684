/// Finds the line of a key in a TOML text, for error messages: TOMLKit reports lines for
/// syntax errors only.
public struct KeyLocator {
    private let lines: [Substring]

    public init(text: String) {
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static func isHeader(_ line: Substring) -> Bool {
        line.trimmingPrefix(while: { $0 == " " || $0 == "\t" }).hasPrefix("[")
    }

    private static func defines(_ line: Substring, key: String) -> Bool {
        let trimmed = line.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
        if trimmed.hasPrefix("#") { return false }
        for candidate in [key, "\"\(key)\"", "'\(key)'"] where trimmed.hasPrefix(candidate) {
            let rest = trimmed.dropFirst(candidate.count).trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            if rest.hasPrefix("=") || rest.hasPrefix(".") { return true }
        }
        // An inline table: `reconnect = { cap = "60s" }`.
        return trimmed.contains("{")
            && (trimmed.contains(" \(key) =") || trimmed.contains("{\(key) =")
                || trimmed.contains(" \(key)="))
    }

    /// 1-based line of a key outside any table, or of a `[key]`/`[[key]]` header or a
    /// `[key.sub]` table header anywhere in the text.
    public func line(ofTopLevel key: String) -> Int? {
        var beforeAnyTable = true
        for (index, line) in self.lines.enumerated() {
            let trimmed = line.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("[\(key)]") || trimmed.hasPrefix("[[\(key)]]") || trimmed.hasPrefix("[\(key).") {
                return index + 1
            }
            if Self.isHeader(line) { beforeAnyTable = false }
            if beforeAnyTable && Self.defines(line, key: key) { return index + 1 }
        }
        return nil
    }

    /// The line of the `index`-th (0-based) `[[session]]` header.
    public func line(ofSession index: Int) -> Int? {
        var seen = -1
        for (number, line) in self.lines.enumerated()
        where line.trimmingPrefix(while: { $0 == " " || $0 == "\t" }).hasPrefix("[[session]]") {
            seen += 1
            if seen == index { return number + 1 }
        }
        return nil
    }

    /// The line of `key` in the `index`-th session (its nested tables included), or of its
    /// own `[session.key]` table.
    public func line(of key: String, inSession index: Int) -> Int? {
        guard let start = self.line(ofSession: index) else { return nil }
        for number in start..<self.lines.count {
            let line = self.lines[number]
            let trimmed = line.trimmingPrefix(while: { $0 == " " })
            if trimmed.hasPrefix("[[session]]") { break }
            if trimmed.hasPrefix("[session.\(key)]") || Self.defines(line, key: key) { return number + 1 }
        }
        return nil
    }

    /// The line of `key` in `[table]` (its nested tables included), or of its own
    /// `[table.key]` table.
    public func line(of key: String, inTable table: String) -> Int? {
        guard
            let start = self.lines.firstIndex(where: {
                $0.trimmingPrefix(while: { $0 == " " }).hasPrefix("[\(table)]")
            })
        else { return nil }
        for number in (start + 1)..<self.lines.count {
            let line = self.lines[number]
            let trimmed = line.trimmingPrefix(while: { $0 == " " })
            if trimmed.hasPrefix("[") && !trimmed.hasPrefix("[\(table).") { break }
            if trimmed.hasPrefix("[\(table).\(key)]") || Self.defines(line, key: key) { return number + 1 }
        }
        return nil
    }
}
