import Foundation
import Testing

@testable import WSMonDashboard

@Suite("Theme files")
struct ThemeFileTests {
    static let colourSyntax =
        "\"default\", a name (black, red, green, yellow, blue, magenta, cyan, white, bright- of each), "
        + "an integer 0 to 255 or \"#rrggbb\""
    static let stateRoles =
        "waiting, connecting, open, closing, half-closed, closed-awaiting-transport, reconnecting, stopped or stale"
    static let attributeNames = "bold, dim, italic, underline and reverse"

    @Test func customThemeReadsEveryColourSyntaxAndLeavesOtherRolesOut() throws {
        let theme = try Theme.load(path: Fixtures.theme("custom.toml"))
        #expect(theme.name == "Custom")
        #expect(
            theme.styles == [
                .stateOpen: Style(foreground: .ansi(2), background: .terminalDefault, attributes: [.bold, .underline]),
                .stateStopped: Style(foreground: .indexed(244)),
                .stateReconnecting: Style(foreground: .rgb(red: 0x1e, green: 0x90, blue: 0xff), background: .ansi(8)),
                .violation: Style(foreground: .ansi(15), background: .ansi(1), attributes: [.bold, .reverse]),
                .escaped: Style(foreground: .rgb(red: 0, green: 0, blue: 0), background: .indexed(0)),
            ]
        )
        #expect(theme[.stateConnecting] == Style())
    }

    @Test func aThemeWithoutNameIsNamedAfterItsFile() throws {
        #expect(try Theme.load(path: Fixtures.theme("unnamed.toml")).name == "unnamed")
        #expect(try Theme.parse("", path: "themes/empty.toml") == Theme(name: "empty", styles: [:]))
    }

    @Test(
        "Each bad file gives one message with its file, line and key",
        arguments: [
            ("bad-syntax.toml", "4: Error while parsing inline table: expected key or closing '}', saw '\\n'"),
            (
                "unknown-section.toml",
                "6: colours: unknown section or key (expected name, [state], [frame], [close], [alert], [chrome])"
            ),
            ("unknown-role.toml", "5: state.opne: unknown role (expected \(Self.stateRoles))"),
            ("bad-colour-name.toml", "5: frame.out.fg: unknown colour \"gren\" (expected \(Self.colourSyntax))"),
            ("colour-out-of-range.toml", "5: chrome.dim.fg: colour 300 is out of range (expected an integer 0 to 255)"),
            ("bad-hex.toml", "5: close.unclean.bg: malformed colour \"#ff00\" (expected \"#rrggbb\", six hex digits)"),
            (
                "unknown-attribute.toml",
                "4: alert.violation.attrs: unknown attribute \"blink\" "
                    + "(expected bold, dim, italic, underline or reverse)"
            ),
            ("unknown-field.toml", "5: alert.warning.colour: unknown field (expected fg, bg or attrs)"),
            (
                "role-not-table.toml",
                "4: state.connecting: must be a table of fg, bg and attrs, like { fg = \"green\", attrs = [\"bold\"] }"
            ),
        ]
    )
    func badFile(name: String, expected: String) {
        let path = Fixtures.theme(name)
        let error = #expect(throws: ThemeError.self) { try Theme.load(path: path) }
        #expect(error?.description == "\(path):\(expected)")
    }

    @Test(
        "Values of the wrong type, and roles and fields located outside inline tables",
        arguments: [
            ("name = 3", "1: name: must be a non-empty string"),
            ("name = \"\"", "1: name: must be a non-empty string"),
            ("state = 1", "1: state: must be a table of roles, under a [state] header"),
            ("[state]\nopen = { fg = true }", "2: state.open.fg: must be a colour: \(Self.colourSyntax)"),
            (
                "[state]\nopen = { fg = -1 }",
                "2: state.open.fg: colour -1 is out of range (expected an integer 0 to 255)"
            ),
            (
                "[state]\nopen = { fg = \"#+fffff\" }",
                "2: state.open.fg: malformed colour \"#+fffff\" (expected \"#rrggbb\", six hex digits)"
            ),
            (
                "[state]\nopen = { fg = \"bright-default\" }",
                "2: state.open.fg: unknown colour \"bright-default\" (expected \(Self.colourSyntax))"
            ),
            (
                "[state]\nopen = { attrs = \"bold\" }",
                "2: state.open.attrs: must be an array of attribute names (\(Self.attributeNames))"
            ),
            (
                "[state]\nopen = { attrs = [1] }",
                "2: state.open.attrs: must be an array of attribute names (\(Self.attributeNames))"
            ),
            ("state.opne = {}", "1: state.opne: unknown role (expected \(Self.stateRoles))"),
            ("[frame]\nin = {}\n\n[state.opne]\nfg = 1", "4: state.opne: unknown role (expected \(Self.stateRoles))"),
            (
                "[state.open]\nfg = \"green\"\nbg = 256",
                "3: state.open.bg: colour 256 is out of range (expected an integer 0 to 255)"
            ),
            (
                "[state]\nopen = {}\n\n[chrome.escaped]\nbg = 1\nfg = \"x\"",
                "6: chrome.escaped.fg: unknown colour \"x\" (expected \(Self.colourSyntax))"
            ),
        ]
    )
    func badValue(text: String, expected: String) {
        let error = #expect(throws: ThemeError.self) { try Theme.parse(text, path: "t.toml") }
        #expect(error?.description == "t.toml:\(expected)")
    }

    @Test func unreadableFiles() throws {
        let missing = #expect(throws: ThemeError.self) { try Theme.load(path: "/nonexistent/mine.toml") }
        #expect(missing?.description == "/nonexistent/mine.toml: cannot read the file: No such file or directory")

        let folder = #expect(throws: ThemeError.self) { try Theme.load(path: Fixtures.themes) }
        #expect(folder?.description == "\(Fixtures.themes): cannot read the file: Is a directory")

        try Fixtures.withTemporaryFolder { folder in
            let path = folder + "/latin1.toml"
            try Data(Array("name = \"caf".utf8) + [0xe9, 0x22, 0x0a]).write(to: URL(fileURLWithPath: path))
            #expect(throws: ThemeError(path: path, line: nil, key: nil, message: "cannot read the file as UTF-8 text"))
            {
                try Theme.load(path: path)
            }
        }
    }
}
