import TOMLKit
import WSMonClient
import WSMonCore
import WSMonTOML

/// A config file: run keys at the top, named sessions in TOML, with shared `[defaults]`.
///
///     duration = "2m"
///
///     [defaults]
///     ping_interval = "20s"
///
///     [[session]]
///     name = "trades"
///     url = "wss://example.com/feed"
///     send_on_open = ['{"op":"subscribe"}']
struct ConfigFile {
    var path: String
    /// The top of the file: keys of `RunSetting` rows.
    var run = SettingValues()
    var defaults = SettingValues()
    var sessions: [SettingValues] = []

    /// Reads and checks `path`; every problem names the file, and the line and key when
    /// there is one.
    static func load(_ path: String) throws(TOMLFileError) -> ConfigFile {
        try self.parse(try TOMLFileText.load(path: path), path: path)
    }

    static func parse(_ text: String, path: String) throws(TOMLFileError) -> ConfigFile {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw TOMLFileError(path: path, line: error.source.begin.line, key: nil, message: error.description)
        } catch {
            throw TOMLFileError(path: path, line: nil, key: nil, message: "\(error)")
        }
        let locator = KeyLocator(text: text)
        var config = ConfigFile(path: path)
        let top = SettingsReader(path: path, locator: locator, section: .top)
        config.run = try top.values(from: root, skipping: ["defaults", "session"])
        if let value = root["defaults"] {
            guard let table = value.table else {
                throw top.error("defaults", "must be a table, under a [defaults] header")
            }
            config.defaults = try SettingsReader(path: path, locator: locator, section: .defaults).values(from: table)
        }
        guard let sessions = root["session"] else {
            throw TOMLFileError(path: path, line: nil, key: nil, message: "no [[session]] given")
        }
        guard let array = sessions.array else { throw top.error("session", "use [[session]] tables") }
        for (index, value) in array.enumerated() {
            let reader = SettingsReader(path: path, locator: locator, section: .session(index))
            guard let table = value.table else { throw top.error("session", "session \(index + 1) is not a table") }
            let values = try reader.values(from: table)
            guard values.entries[SettingTable.url.key] != nil else {
                throw TOMLFileError(
                    path: path,
                    line: locator.line(ofSession: index),
                    key: nil,
                    message: "session \(index + 1) has no url"
                )
            }
            config.sessions.append(values)
        }
        return config
    }

    /// The sessions to run: each session's keys over the defaults, and `flags` (the
    /// command line's) over both.
    func specs(overriddenBy flags: SettingValues = SettingValues()) throws(SettingError) -> [SessionSpec] {
        var specs: [SessionSpec] = []
        for session in self.sessions {
            let values = self.defaults.overridden(by: session).overridden(by: flags)
            guard let url = values[SettingTable.url] else { preconditionFailure("parse checked every url") }
            specs.append(try SessionSpec(url: url, values: values))
        }
        return specs
    }

    /// Gives `flags` the file's run keys wherever the command line left them out.
    func fill(_ flags: inout RunFlags) {
        for row in SettingTable.run {
            guard let entry = self.run.entries[row.key] else { continue }
            row.fill(&flags, with: entry.value)
        }
    }
}
