import Foundation

/// The themes the `t` key cycles through and the one to start with, from `--theme` and the
/// environment.
public struct ThemeCatalog: Sendable {
    /// The cycle: the built-ins, then the user's themes (see `resolve`).
    public var themes: [Theme]
    public var initialIndex: Int

    public init(themes: [Theme], initialIndex: Int) {
        self.themes = themes
        self.initialIndex = initialIndex
    }

    /// The theme to start with.
    public var initialTheme: Theme { self.themes[self.initialIndex] }

    /// Resolves `--theme NAME|PATH`.
    ///
    /// - A value containing `/` or ending in `.toml` is a file: it is loaded and starts the
    ///   cycle, before the others.
    /// - Otherwise it is a name: `NAME.toml` in the user theme folder
    ///   (`$XDG_CONFIG_HOME/wsmon/themes`, else `$HOME/.config/wsmon/themes`), else a
    ///   built-in theme.
    /// - With no value: `monochrome` when `NO_COLOR` is set and not empty (no-color.org),
    ///   else `default`. A `--theme` given beats `NO_COLOR`.
    ///
    /// The cycle is the built-in themes, then the user folder's themes sorted by file name;
    /// a user theme named like a built-in one takes its place. A broken file in the folder is
    /// skipped unless it is the theme asked for.
    public static func resolve(option: String?, environment: [String: String]) throws(ThemeError) -> ThemeCatalog {
        let folder = Self.userThemeFolder(environment: environment)
        guard let option else {
            let cycle = try Self.cycle(folder: folder, requested: nil)
            let name = environment["NO_COLOR", default: ""].isEmpty ? "default" : "monochrome"
            return ThemeCatalog(themes: cycle.map(\.theme), initialIndex: cycle.firstIndex { $0.name == name } ?? 0)
        }
        if option.contains("/") || option.hasSuffix(".toml") {
            let theme = try Theme.load(path: option)
            let cycle = try Self.cycle(folder: folder, requested: nil)
            return ThemeCatalog(themes: [theme] + cycle.map(\.theme), initialIndex: 0)
        }
        let cycle = try Self.cycle(folder: folder, requested: option)
        guard let index = cycle.firstIndex(where: { $0.name == option }) else {
            var message = "unknown theme (available: \(cycle.map(\.name).joined(separator: ", "))"
            if let folder { message += "; add your own as \(folder)/\(option).toml" }
            throw ThemeError(path: "--theme", line: nil, key: option, message: message + ")")
        }
        return ThemeCatalog(themes: cycle.map(\.theme), initialIndex: index)
    }

    /// Where the user's themes live, following the XDG base directory spec: a relative or
    /// empty `XDG_CONFIG_HOME` is ignored.
    private static func userThemeFolder(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/wsmon/themes" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/wsmon/themes" }
        return nil
    }

    /// The built-in themes with the user's merged in, each under the name `--theme` finds it
    /// by (a user theme's file name). Only a broken `requested` file is an error.
    private static func cycle(
        folder: String?,
        requested: String?
    ) throws(ThemeError) -> [(name: String, theme: Theme)] {
        var cycle = BuiltInThemes.all.map { (name: $0.name, theme: $0) }
        guard let folder, let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            return cycle
        }
        // Dot files are editor leftovers (Emacs locks are `.#name.toml`).
        for file in files.sorted() where file.hasSuffix(".toml") && !file.hasPrefix(".") {
            let name = String(file.dropLast(".toml".count))
            let theme: Theme
            do { theme = try Theme.load(path: "\(folder)/\(file)") } catch {
                if name == requested { throw error }
                continue
            }
            if let index = cycle.firstIndex(where: { $0.name == name }) {
                cycle[index].theme = theme
            } else {
                cycle.append((name, theme))
            }
        }
        return cycle
    }
}
