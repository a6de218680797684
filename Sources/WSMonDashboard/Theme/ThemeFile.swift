import TOMLKit
import WSMonTOML

/// A theme file: an optional `name` and one table per section, each role an inline table.
///
///     name = "mine"
///
///     [state]
///     open = { fg = "green", attrs = ["bold"] }
///     closed = { fg = 244 }
extension Theme {
    /// The sections of a theme file, in `Role` order: state, frame, close, alert, chrome.
    static let sections: [String] = Role.allCases.reduce(into: []) { sections, role in
        if sections.last != String(role.section) { sections.append(String(role.section)) }
    }

    /// Reads and checks the theme file at `path`; every problem is a `ThemeError` with the
    /// file, line and key.
    public static func load(path: String) throws(ThemeError) -> Theme {
        try self.parse(try TOMLFileText.load(path: path), path: path)
    }

    /// Reads a theme from TOML `text`. `path` names the file in errors, and its base name is
    /// the theme's name when the text has no `name`. Roles the text does not mention are left
    /// out of `styles`.
    public static func parse(_ text: String, path: String) throws(ThemeError) -> Theme {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ThemeError(path: path, line: error.source.begin.line, key: nil, message: error.description)
        } catch {
            throw ThemeError(path: path, line: nil, key: nil, message: "\(error)")
        }
        let locator = ThemeLocator(text: text)
        var theme = Theme(name: Self.baseName(of: path), styles: [:])
        for (key, value) in root {
            if key == "name" {
                guard let name = value.string, !name.isEmpty else {
                    throw ThemeError(
                        path: path,
                        line: locator.line(ofTopLevel: key),
                        key: key,
                        message: "must be a non-empty string"
                    )
                }
                theme.name = name
            } else if Self.sections.contains(key) {
                guard let table = value.table else {
                    throw ThemeError(
                        path: path,
                        line: locator.line(ofTopLevel: key),
                        key: key,
                        message: "must be a table of roles, under a [\(key)] header"
                    )
                }
                let reader = StyleReader(path: path, locator: locator, section: key)
                theme.styles.merge(try reader.styles(from: table)) { _, new in new }
            } else {
                let expected = Self.sections.map { "[\($0)]" }.joined(separator: ", ")
                throw ThemeError(
                    path: path,
                    line: locator.line(ofTopLevel: key),
                    key: key,
                    message: "unknown section or key (expected name, \(expected))"
                )
            }
        }
        return theme
    }

    /// `themes/dark.toml` → `dark`.
    private static func baseName(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".toml") ? String(file.dropLast(".toml".count)) : file
    }
}

/// A problem in a theme file (or with the theme asked for): the error of every TOML file we read.
public typealias ThemeError = TOMLFileError
