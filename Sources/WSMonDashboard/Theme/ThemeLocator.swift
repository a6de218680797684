import WSMonTOML

/// The lines of a theme file's roles and fields, for error messages.
struct ThemeLocator {
    private let keys: KeyLocator

    init(text: String) {
        self.keys = KeyLocator(text: text)
    }

    /// A top-level key, or the header of its table or of a table inside it.
    func line(ofTopLevel key: String) -> Int? {
        self.keys.line(ofTopLevel: key)
    }

    /// A role: its line in its section, else its own `[section.role]` table or dotted key.
    func line(ofRole key: String, in section: String) -> Int? {
        self.keys.line(of: key, inTable: section) ?? self.keys.line(ofTopLevel: "\(section).\(key)")
    }

    /// A role's field: in the role's own table, else the role's line (an inline table).
    func line(ofField field: String, role key: String, in section: String) -> Int? {
        self.keys.line(of: field, inTable: "\(section).\(key)") ?? self.line(ofRole: key, in: section)
    }
}
