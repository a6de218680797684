import WSMonTOML

/// The values one layer gives (the command line, a `[[session]]`, `[defaults]`, the top
/// of a config file), each with where it was given, so that a problem found once the
/// layers are merged still names the flag or the key and line the user wrote.
struct SettingValues: Sendable {
    struct Entry: Sendable {
        let row: any SettingRow
        let value: any Sendable
        let source: SettingSource
    }

    /// By config key.
    private(set) var entries: [String: Entry] = [:]

    mutating func set(_ row: any SettingRow, to value: any Sendable, from source: SettingSource) {
        self.entries[row.key] = Entry(row: row, value: value, source: source)
    }

    subscript<Value>(_ row: SessionSetting<Value>) -> Value? {
        self.entries[row.key]?.value as? Value
    }

    func source(of row: any SettingRow) -> SettingSource? {
        self.entries[row.key]?.source
    }

    /// These values under `upper`'s: per setting, `upper`'s value over this one (added to it,
    /// for a list that adds up), with `upper`'s source.
    func overridden(by upper: SettingValues) -> SettingValues {
        var merged = self
        for (key, entry) in upper.entries {
            let value = self.entries[key].map { entry.row.combine($0.value, under: entry.value) } ?? entry.value
            merged.entries[key] = Entry(row: entry.row, value: value, source: entry.source)
        }
        return merged
    }
}

/// Where a value was given.
enum SettingSource: Sendable, Equatable {
    /// `--close-timeout`.
    case flag(String)
    /// A config file's key, as written, on its line.
    case file(path: String, line: Int?, key: String)

    /// `row` as the user would write it beside this source: its flag, or its config key.
    func name(of row: any SettingRow) -> String {
        switch self {
        case .flag: return row.flag ?? row.key
        case .file: return row.key
        }
    }
}

/// A setting refused once the layers are merged (a value that needs another), named as given.
struct SettingError: Error, Equatable, CustomStringConvertible {
    var source: SettingSource
    var message: String

    var description: String {
        switch self.source {
        case .flag(let flag): return "\(flag) \(self.message)"
        case .file(let path, let line, let key):
            return TOMLFileError(path: path, line: line, key: key, message: self.message).description
        }
    }
}
