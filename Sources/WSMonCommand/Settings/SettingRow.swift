import ArgumentParser
import TOMLKit

/// How a setting is given on the command line.
enum FlagForm: Sendable, Equatable {
    /// `--close-timeout <duration>`.
    case option(valueName: String)
    /// `-H <header> -H <header>`; an array in a config file.
    case repeated(valueName: String)
    /// `--insecure`: on when given; `insecure = true` in a file.
    case switchOn
    /// `--reconnect` and `--no-reconnect`; `reconnect = false` in a file.
    case onOff
    /// The command's arguments (`wsmon URL…`); one value per `[[session]]` in a file.
    case arguments(valueName: String)
    /// No flag: a config key only.
    case configOnly
}

/// Where a setting's key goes in a config file.
enum SettingScope: Sendable, Equatable {
    /// In `[defaults]` or a `[[session]]`.
    case session
    /// In a `[[session]]` only: what tells sessions apart (`name`, `url`).
    case sessionOnly
    /// At the top of the file, before any table: how the whole run goes.
    case run
}

/// A row of `SettingTable`, whatever its value's type: the names a setting goes by and what
/// the user is told about it.
protocol SettingRow: Sendable {
    /// The config key. The flag is the key with `-` for `_`, so a setting has one name.
    var key: String { get }
    var short: Character? { get }
    var form: FlagForm { get }
    var scope: SettingScope { get }
    /// The flag's `--help` line, which the README's option table repeats.
    var help: String { get }
    var completion: CompletionKind? { get }
    /// A config file's value, checked.
    func value(fromTOML value: any TOMLValueConvertible) throws(SettingProblem) -> any Sendable
    /// `upper`'s value over `lower`'s (a flag over a session's key over `[defaults]`): the
    /// upper one, except for a list that adds up (headers).
    func combine(_ lower: any Sendable, under upper: any Sendable) -> any Sendable
}

extension SettingRow {
    /// `close-timeout`: the long flag without its dashes; nil when the setting has no flag.
    var flagName: String? {
        switch self.form {
        case .option, .repeated, .switchOn, .onOff: return self.key.replacingOccurrences(of: "_", with: "-")
        case .arguments, .configOnly: return nil
        }
    }

    /// `--close-timeout`.
    var flag: String? { self.flagName.map { "--" + $0 } }

    var valueName: String? {
        switch self.form {
        case .option(let name), .repeated(let name), .arguments(let name): return name
        case .switchOn, .onOff, .configOnly: return nil
        }
    }

    func combine(_ lower: any Sendable, under upper: any Sendable) -> any Sendable { upper }
}

/// A row that sets something in each session.
protocol SessionSettingRow: SettingRow {
    /// The value the command line gave; nil when the flag was not given.
    func value(from flags: SessionFlags) -> (any Sendable)?
    /// Puts `value` into the session being made.
    func apply(_ value: any Sendable, to spec: inout SessionSpec)
}

/// A row that sets something for the whole run, in `RunFlags`.
protocol RunSettingRow: SettingRow {
    /// Gives `flags` a config file's value, unless the flag was given: flags win.
    func fill(_ flags: inout RunFlags, with value: any Sendable)
}
