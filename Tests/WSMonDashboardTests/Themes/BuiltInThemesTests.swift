import Testing

@testable import WSMonDashboard

@Suite("Built-in themes")
struct BuiltInThemesTests {
    @Test func theyComeInCycleOrder() {
        #expect(BuiltInThemes.all.map(\.name) == ["default", "light", "high-contrast", "monochrome"])
        #expect(BuiltInThemes.named("light") == BuiltInThemes.all[1])
        #expect(BuiltInThemes.named("solarized") == nil)
    }

    static let names = BuiltInThemes.all.map(\.name)

    @Test(arguments: Self.names)
    func everyThemeDefinesEveryRole(name: String) throws {
        let theme = try #require(BuiltInThemes.named(name))
        #expect(Set(theme.styles.keys) == Set(Role.allCases))
    }

    static let states = Role.allCases.filter { $0.section == "state" }

    /// Also once the colours are brought down to what a small terminal shows.
    @Test(arguments: Self.names, [ColorDepth.basic8, .basic16, .palette256, .direct])
    func statesLookDifferent(name: String, depth: ColorDepth) throws {
        let theme = try #require(BuiltInThemes.named(name))
        struct Shown: Hashable {
            var foreground: Int32?
            var background: Int32?
            var attributes: UInt8
        }
        let shown = Self.states.map { role in
            let style = theme[role]
            return Shown(
                foreground: style.foreground.map(depth.terminalColor),
                background: style.background.map(depth.terminalColor),
                attributes: style.attributes.rawValue
            )
        }
        #expect(Set(shown).count == Self.states.count)
    }

    /// Seen on the terminal as it is: the overlay, the active tab and alerts must show.
    @Test(arguments: Self.names)
    func selectionTabsAndAlertsStandOut(name: String) throws {
        let theme = try #require(BuiltInThemes.named(name))
        #expect(theme[.selected] != Style())
        #expect(theme[.tabActive] != theme[.tab])
        #expect(theme[.violation] != theme[.text])
        #expect(theme[.escaped] != theme[.text])
        #expect(theme[.title] != theme[.text])
    }

    @Test func monochromeHasNoColours() throws {
        let monochrome = try #require(BuiltInThemes.named("monochrome"))
        for (role, style) in monochrome.styles {
            #expect(style.foreground == nil && style.background == nil, "\(role)")
        }
        #expect(monochrome[.selected].attributes.contains(.reverse))
        #expect(monochrome[.tabActive].attributes.contains(.reverse))
        #expect(monochrome[.violation].attributes.contains(.reverse))
        #expect(!monochrome[.title].attributes.isEmpty)
        // Escapes still show on the selected (reversed) row.
        #expect(monochrome.style(for: .escaped, selected: true) != monochrome[.selected])
    }

    @Test func defaultAndLightDiffer() throws {
        let dark = try #require(BuiltInThemes.named("default"))
        let light = try #require(BuiltInThemes.named("light"))
        #expect(dark.styles != light.styles)
        #expect(Role.allCases.filter { dark[$0] != light[$0] }.count > Role.allCases.count / 2)
    }
}
