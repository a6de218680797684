import TOMLKit

/// Reads one section of a theme file (`[state]`, `[frame]`…) into styles, checking every
/// role, field, colour and attribute.
struct StyleReader {
    let path: String
    let locator: ThemeLocator
    let section: String

    /// ANSI colours 0–7; `bright-` of each is 8–15.
    static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
    static let colorSyntax =
        "\"default\", a name (black, red, green, yellow, blue, magenta, cyan, white, bright- of each), "
        + "an integer 0 to 255 or \"#rrggbb\""
    static let fields = ["fg", "bg", "attrs"]

    func styles(from table: TOMLTable) throws(ThemeError) -> [Role: Style] {
        var styles: [Role: Style] = [:]
        for (key, value) in table {
            guard let role = Role(rawValue: "\(self.section).\(key)") else {
                let expected = Role.allCases.filter { $0.section == self.section }.map { String($0.key) }
                throw self.error(key, "unknown role (expected \(Self.list(expected, "or")))")
            }
            styles[role] = try self.style(value, key)
        }
        return styles
    }

    private func style(_ value: any TOMLValueConvertible, _ key: String) throws(ThemeError) -> Style {
        guard let table = value.table else {
            throw self.error(key, "must be a table of fg, bg and attrs, like { fg = \"green\", attrs = [\"bold\"] }")
        }
        var style = Style()
        for (field, value) in table {
            switch field {
            case "fg": style.foreground = try self.color(value, key, field)
            case "bg": style.background = try self.color(value, key, field)
            case "attrs": style.attributes = try self.attributes(value, key, field)
            default: throw self.error(key, field, "unknown field (expected \(Self.list(Self.fields, "or")))")
            }
        }
        return style
    }

    private func color(_ value: any TOMLValueConvertible, _ key: String, _ field: String) throws(ThemeError) -> Color {
        if let number = value.int {
            guard let index = UInt8(exactly: number) else {
                throw self.error(key, field, "colour \(number) is out of range (expected an integer 0 to 255)")
            }
            return .indexed(index)
        }
        guard let text = value.string else { throw self.error(key, field, "must be a colour: \(Self.colorSyntax)") }
        if text == "default" { return .terminalDefault }
        if let index = Self.colorNames.firstIndex(of: text) { return .ansi(UInt8(index)) }
        if text.hasPrefix("bright-"),
            let index = Self.colorNames.firstIndex(of: String(text.dropFirst("bright-".count)))
        {
            return .ansi(UInt8(index + 8))
        }
        if text.hasPrefix("#") {
            guard let color = Self.rgb(hex: text.dropFirst()) else {
                throw self.error(
                    key,
                    field,
                    "malformed colour \(Self.quoted(text)) (expected \"#rrggbb\", six hex digits)"
                )
            }
            return color
        }
        throw self.error(key, field, "unknown colour \(Self.quoted(text)) (expected \(Self.colorSyntax))")
    }

    /// `ff8700` → `.rgb(255, 135, 0)`; nil unless exactly six hex digits (`UInt32(_:radix:)`
    /// alone would take a sign).
    private static func rgb(hex: Substring) -> Color? {
        guard hex.count == 6, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }), let value = UInt32(hex, radix: 16)
        else { return nil }
        return .rgb(red: UInt8(value >> 16), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
    }

    private func attributes(
        _ value: any TOMLValueConvertible,
        _ key: String,
        _ field: String
    ) throws(ThemeError) -> Attributes {
        let names = Attributes.names.map(\.0)
        let arrayMessage = "must be an array of attribute names (\(Self.list(names, "and")))"
        guard let array = value.array else { throw self.error(key, field, arrayMessage) }
        var attributes: Attributes = []
        for element in array {
            guard let name = element.string else { throw self.error(key, field, arrayMessage) }
            guard let attribute = Attributes.names.first(where: { $0.0 == name })?.1 else {
                throw self.error(
                    key,
                    field,
                    "unknown attribute \(Self.quoted(name)) (expected \(Self.list(names, "or")))"
                )
            }
            attributes.insert(attribute)
        }
        return attributes
    }

    private func error(_ key: String, _ message: String) -> ThemeError {
        ThemeError(
            path: self.path,
            line: self.locator.line(ofRole: key, in: self.section),
            key: "\(self.section).\(key)",
            message: message
        )
    }

    private func error(_ key: String, _ field: String, _ message: String) -> ThemeError {
        ThemeError(
            path: self.path,
            line: self.locator.line(ofField: field, role: key, in: self.section),
            key: "\(self.section).\(key).\(field)",
            message: message
        )
    }

    /// TOMLKit makes `String.debugDescription` the bare string, so quotes are added here.
    private static func quoted(_ text: String) -> String { "\"\(text)\"" }

    /// `["a", "b", "c"]` → `a, b or c`.
    private static func list(_ items: [String], _ conjunction: String) -> String {
        guard let last = items.last, items.count > 1 else { return items.joined() }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) \(last)"
    }
}
