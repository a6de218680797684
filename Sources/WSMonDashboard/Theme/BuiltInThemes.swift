/// The themes compiled into wsmon from `themes/`.
public enum BuiltInThemes {
    /// default, light, high-contrast and monochrome, in the order the `t` key cycles them.
    public static let all: [Theme] = [
        ("default.toml", PackageResources.default_toml),
        ("light.toml", PackageResources.light_toml),
        ("high-contrast.toml", PackageResources.high_contrast_toml),
        ("monochrome.toml", PackageResources.monochrome_toml),
    ].map { file, bytes in
        // The files are tested: failing here is a bug in them, not the user's input.
        do { return try Theme.parse(String(decoding: bytes, as: UTF8.self), path: "themes/\(file)") } catch {
            preconditionFailure("built-in theme: \(error)")
        }
    }

    /// The built-in theme called `name`.
    public static func named(_ name: String) -> Theme? {
        self.all.first { $0.name == name }
    }
}
