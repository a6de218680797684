import Testing

@testable import WSMonDashboard

@Suite("Choosing a theme")
struct ThemeCatalogTests {
    static let builtInNames = ["default", "light", "high-contrast", "monochrome"]

    @Test func withNoOptionTheDefaultStarts() throws {
        let catalog = try ThemeCatalog.resolve(option: nil, environment: [:])
        #expect(catalog.themes == BuiltInThemes.all)
        #expect(catalog.initialTheme.name == "default")
    }

    @Test func noColorStartsMonochrome() throws {
        let catalog = try ThemeCatalog.resolve(option: nil, environment: ["NO_COLOR": "1"])
        #expect(catalog.initialTheme.name == "monochrome")
        #expect(catalog.themes == BuiltInThemes.all)
        let empty = try ThemeCatalog.resolve(option: nil, environment: ["NO_COLOR": ""])
        #expect(empty.initialTheme.name == "default")
    }

    @Test func anExplicitThemeBeatsNoColor() throws {
        let catalog = try ThemeCatalog.resolve(option: "light", environment: ["NO_COLOR": "1"])
        #expect(catalog.initialTheme.name == "light")
        #expect(catalog.initialIndex == 1)
    }

    @Test func userThemesJoinTheCycleByFileNameAndReplaceBuiltInsInPlace() throws {
        try Fixtures.withTemporaryFolder { config in
            let themes = config + "/wsmon/themes"
            try Fixtures.write("name = \"Zed\"\n", to: themes + "/zed.toml")
            try Fixtures.write("name = \"My light\"\n[state]\nopen = { fg = 22 }\n", to: themes + "/light.toml")
            try Fixtures.write("[state]\nopne = {}\n", to: themes + "/broken.toml")
            try Fixtures.write("name = \"lock\"\n", to: themes + "/.#zed.toml")
            try Fixtures.write("not a theme", to: themes + "/notes.txt")
            try Fixtures.write("name = \"Aardvark\"\n", to: themes + "/aardvark.toml")
            let environment = ["XDG_CONFIG_HOME": config, "HOME": "/nonexistent"]

            let catalog = try ThemeCatalog.resolve(option: nil, environment: environment)
            #expect(
                catalog.themes.map(\.name) == ["default", "My light", "high-contrast", "monochrome", "Aardvark", "Zed"]
            )
            #expect(catalog.initialIndex == 0)

            let zed = try ThemeCatalog.resolve(option: "zed", environment: environment)
            #expect(zed.initialTheme.name == "Zed")
            #expect(zed.initialIndex == 5)

            let light = try ThemeCatalog.resolve(option: "light", environment: environment)
            #expect(
                light.initialTheme == Theme(name: "My light", styles: [.stateOpen: Style(foreground: .indexed(22))])
            )
            #expect(light.initialIndex == 1)

            #expect(
                throws: ThemeError(
                    path: themes + "/broken.toml",
                    line: 2,
                    key: "state.opne",
                    message: "unknown role (expected waiting, connecting, open, closing, half-closed, "
                        + "closed-awaiting-transport, reconnecting, stopped or stale)"
                )
            ) { try ThemeCatalog.resolve(option: "broken", environment: environment) }
        }
    }

    @Test func homeConfigIsTheFolderWithoutXDGConfigHome() throws {
        try Fixtures.withTemporaryFolder { home in
            try Fixtures.write("name = \"mine\"\n", to: home + "/.config/wsmon/themes/mine.toml")
            for environment in [
                ["HOME": home], ["HOME": home, "XDG_CONFIG_HOME": ""], ["HOME": home, "XDG_CONFIG_HOME": "rel"],
            ] {
                let catalog = try ThemeCatalog.resolve(option: "mine", environment: environment)
                #expect(catalog.initialTheme.name == "mine")
                #expect(catalog.themes.count == 5)
            }
        }
    }

    @Test func aPathStartsTheCycleBeforeTheOthers() throws {
        let path = Fixtures.theme("custom.toml")
        let catalog = try ThemeCatalog.resolve(option: path, environment: ["NO_COLOR": "1"])
        #expect(catalog.themes.map(\.name) == ["Custom"] + Self.builtInNames)
        #expect(catalog.initialIndex == 0)
        // Relative paths and bare file names are paths too.
        #expect(
            throws: ThemeError(
                path: "mine.toml",
                line: nil,
                key: nil,
                message: "cannot read the file: No such file or directory"
            )
        ) {
            try ThemeCatalog.resolve(option: "mine.toml", environment: [:])
        }
        #expect(throws: ThemeError.self) {
            try ThemeCatalog.resolve(option: Fixtures.theme("bad-hex.toml"), environment: [:])
        }
    }

    @Test func anUnknownNameListsTheThemes() throws {
        try Fixtures.withTemporaryFolder { config in
            try Fixtures.write("name = \"Zed\"\n", to: config + "/wsmon/themes/zed.toml")
            let error = #expect(throws: ThemeError.self) {
                try ThemeCatalog.resolve(option: "solarized", environment: ["XDG_CONFIG_HOME": config])
            }
            #expect(
                error?.description
                    == "--theme: solarized: unknown theme (available: default, light, high-contrast, monochrome, zed; "
                    + "add your own as \(config)/wsmon/themes/solarized.toml)"
            )
        }
        #expect(
            throws: ThemeError(
                path: "--theme",
                line: nil,
                key: "solarized",
                message: "unknown theme (available: default, light, high-contrast, monochrome)"
            )
        ) { try ThemeCatalog.resolve(option: "solarized", environment: [:]) }
    }
}
