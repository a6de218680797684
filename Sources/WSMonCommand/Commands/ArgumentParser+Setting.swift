import ArgumentParser

// Options and flags declared from a row of `SettingTable`: its names, help, value name,
// completion and parser, so that the row stays the one place a setting is described.

extension SettingRow {
    fileprivate var names: NameSpecification {
        guard let long = self.flagName else { preconditionFailure("\(self.key) has no flag") }
        if let short = self.short { return [.customShort(short), .customLong(long)] }
        return [.customLong(long)]
    }

    fileprivate var argumentHelp: ArgumentHelp {
        ArgumentHelp(self.help, valueName: self.valueName)
    }
}

extension Option {
    init<T>(_ setting: SessionSetting<T>) where Value == T? {
        self.init(
            name: setting.names,
            help: setting.argumentHelp,
            completion: setting.completion,
            transform: setting.syntax.parseText
        )
    }

    init<T>(_ setting: SessionListSetting<T>) where Value == [T] {
        self.init(
            wrappedValue: [],
            name: setting.names,
            help: setting.argumentHelp,
            completion: setting.completion,
            transform: setting.element.parseText
        )
    }

    init<T>(_ setting: RunSetting<T>) where Value == T? {
        self.init(
            name: setting.names,
            help: setting.argumentHelp,
            completion: setting.completion,
            transform: setting.syntax.parseText
        )
    }
}

extension Flag where Value == Bool {
    /// `--insecure`.
    init(_ setting: SessionSetting<Bool>) {
        self.init(wrappedValue: false, name: setting.names, help: setting.argumentHelp)
    }
}

extension Flag where Value == Bool {
    /// `--show-secrets`.
    init(_ setting: RunSetting<Bool>) {
        self.init(wrappedValue: false, name: setting.names, help: setting.argumentHelp)
    }
}

extension Flag where Value == Bool? {
    /// `--reconnect` and `--no-reconnect`.
    init(_ setting: SessionSetting<Bool>) {
        self.init(name: setting.names, inversion: .prefixedNo, help: setting.argumentHelp)
    }
}

extension Argument {
    /// `wsmon URL…`.
    init<T>(_ setting: SessionSetting<T>) where Value == [T] {
        self.init(wrappedValue: [], help: setting.argumentHelp, transform: setting.syntax.parseText)
    }
}
