import TOMLKit
import WSMonTOML

/// Reads one part of a config file (its top, `[defaults]` or a `[[session]]`) into values,
/// checking every key against `SettingTable` and every value with its row's syntax.
struct SettingsReader {
    enum Section {
        case top
        case defaults
        case session(Int)
    }

    let path: String
    let locator: KeyLocator
    let section: Section

    /// The values of `table`'s keys, each with its line; `skipping` names the tables the
    /// caller reads itself.
    func values(from table: TOMLTable, skipping: Set<String> = []) throws(TOMLFileError) -> SettingValues {
        var values = SettingValues()
        for key in table.keys where !skipping.contains(key) {
            let row = try self.row(key)
            let value = table[key]!
            do {
                values.set(
                    row,
                    to: try row.value(fromTOML: value),
                    from: .file(path: self.path, line: self.line(of: key), key: key)
                )
            } catch {
                // Files from before the flat keys had `reconnect = { cap = "30s" }` tables.
                let hint =
                    value.table == nil ? "" : "; no setting is a table: each is a key of its own, like backoff_cap"
                throw self.error(key, error.description + hint)
            }
        }
        return values
    }

    /// The row of `key`, if the key belongs where it was found.
    private func row(_ key: String) throws(TOMLFileError) -> any SettingRow {
        let allowed = SettingTable.all.filter { self.allows($0.scope) }
        if let row = allowed.first(where: { $0.key == key }) { return row }
        switch (SettingTable.row(key)?.scope, self.section) {
        case (.run?, _): throw self.error(key, "is a run key: put it at the top of the file, before any table")
        case (.sessionOnly?, .defaults): throw self.error(key, "not allowed in [defaults]: it tells sessions apart")
        case (.sessionOnly?, _): throw self.error(key, "is a session's own key: put it in a [[session]]")
        case (_?, .top): throw self.error(key, "is a session key: put it in [defaults] or a [[session]]")
        default:
            var message = self.unknownKeyMessage
            if let nearest = NearestName.suggestion(for: key, among: allowed.map(\.key)) {
                message += "; did you mean \(nearest)?"
            }
            throw self.error(key, message)
        }
    }

    private var unknownKeyMessage: String {
        switch self.section {
        case .top: return "unknown key (expected [defaults], [[session]] or a run key)"
        case .defaults, .session: return "unknown key"
        }
    }

    private func allows(_ scope: SettingScope) -> Bool {
        switch (scope, self.section) {
        case (.run, .top), (.session, .defaults), (.session, .session), (.sessionOnly, .session): return true
        default: return false
        }
    }

    private func line(of key: String) -> Int? {
        switch self.section {
        case .top: return self.locator.line(ofTopLevel: key)
        case .defaults: return self.locator.line(of: key, inTable: "defaults")
        case .session(let index): return self.locator.line(of: key, inSession: index)
        }
    }

    func error(_ key: String, _ message: String) -> TOMLFileError {
        TOMLFileError(path: self.path, line: self.line(of: key), key: key, message: message)
    }
}
