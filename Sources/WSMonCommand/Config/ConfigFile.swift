import Foundation
import TOMLKit
import WSMonClient
import WSMonCore
import WSMonTOML

/// A config file: named sessions in TOML, with shared `[defaults]`.
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
    var defaults = SessionSettings()
    var sessions: [(url: String, settings: SessionSettings)] = []

    /// Reads and checks `path`; every problem is a `ConfigError` with the file, line and key.
    static func load(_ path: String) throws(ConfigError) -> ConfigFile {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ConfigError(
                path: path,
                line: nil,
                key: nil,
                message: "cannot read the file: \(String(cString: strerror(errno)))"
            )
        }
        close(descriptor)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(path: path, line: nil, key: nil, message: "cannot read the file as UTF-8 text")
        }
        return try self.parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(ConfigError) -> ConfigFile {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ConfigError(path: path, line: error.source.begin.line, key: nil, message: error.description)
        } catch {
            throw ConfigError(path: path, line: nil, key: nil, message: "\(error)")
        }
        let locator = KeyLocator(text: text)
        var config = ConfigFile(path: path)
        for key in root.keys where !["defaults", "session"].contains(key) {
            throw ConfigError(
                path: path,
                line: locator.line(ofTopLevel: key),
                key: key,
                message: "unknown section or key (expected [defaults] and [[session]])"
            )
        }
        if let value = root["defaults"] {
            guard let table = value.table else {
                throw ConfigError(
                    path: path,
                    line: locator.line(ofTopLevel: "defaults"),
                    key: "defaults",
                    message: "must be a table"
                )
            }
            let reader = SettingsReader(path: path, locator: locator, section: .defaults)
            config.defaults = try reader.settings(from: table, allowsURL: false).settings
        }
        guard let sessions = root["session"] else {
            throw ConfigError(path: path, line: nil, key: "session", message: "no [[session]] given")
        }
        guard let array = sessions.array else {
            throw ConfigError(
                path: path,
                line: locator.line(ofTopLevel: "session"),
                key: "session",
                message: "use [[session]] tables"
            )
        }
        for (index, value) in array.enumerated() {
            let reader = SettingsReader(path: path, locator: locator, section: .session(index))
            guard let table = value.table else {
                throw ConfigError(path: path, line: nil, key: "session", message: "session \(index + 1) is not a table")
            }
            let (url, settings) = try reader.settings(from: table, allowsURL: true)
            guard let url else {
                throw ConfigError(
                    path: path,
                    line: locator.line(ofSession: index),
                    key: "url",
                    message: "session \(index + 1) has no url"
                )
            }
            config.sessions.append((url, settings))
        }
        return config
    }

    /// The sessions to run: each session's settings over the defaults, and `overrides` (the
    /// command line's) over both, checked.
    func specs(overriddenBy overrides: SessionSettings = SessionSettings()) throws(ConfigError) -> [SessionSpec] {
        var specs: [SessionSpec] = []
        let locator = KeyLocator(text: (try? String(contentsOfFile: self.path, encoding: .utf8)) ?? "")
        for (index, session) in self.sessions.enumerated() {
            let settings = self.defaults.overridden(by: session.settings).overridden(by: overrides)
            do {
                specs.append(try SessionSpec(url: session.url, settings: settings))
            } catch {
                throw ConfigError(
                    path: self.path,
                    line: locator.line(of: error.key.replacingOccurrences(of: "-", with: "_"), inSession: index),
                    key: error.key.replacingOccurrences(of: "-", with: "_"),
                    message: error.message
                )
            }
        }
        return specs
    }
}

/// A problem in a config file, located as precisely as we can.
struct ConfigError: Error, Equatable, CustomStringConvertible {
    var path: String
    var line: Int?
    var key: String?
    var message: String

    var description: String {
        var location = self.path
        if let line = self.line { location += ":\(line)" }
        if let key = self.key { return "\(location): \(key): \(self.message)" }
        return "\(location): \(self.message)"
    }
}
