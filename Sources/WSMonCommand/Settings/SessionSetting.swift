import ArgumentParser
import TOMLKit

/// A session setting with one value: a flag (or none) and a key, later layers replacing
/// earlier ones.
struct SessionSetting<Value: Sendable>: SessionSettingRow {
    let key: String
    let short: Character? = nil
    let form: FlagForm
    let scope: SettingScope
    let help: String
    let completion: CompletionKind?
    let syntax: ValueSyntax<Value>
    private let flagValue: @Sendable (SessionFlags) -> Value?
    /// nil for a value `SessionSpec` reads with the one it goes with (`url`, the interval pair).
    private let applyValue: (@Sendable (Value, inout SessionSpec) -> Void)?

    /// `--key <valueName>`.
    init(
        _ key: String,
        valueName: String,
        help: String,
        syntax: ValueSyntax<Value>,
        completion: CompletionKind? = nil,
        flag: KeyPath<SessionFlags, Value?> & Sendable,
        apply: (@Sendable (Value, inout SessionSpec) -> Void)?
    ) {
        self.key = key
        self.form = .option(valueName: valueName)
        self.scope = .session
        self.help = help
        self.completion = completion
        self.syntax = syntax
        self.flagValue = { $0[keyPath: flag] }
        self.applyValue = apply
    }

    /// A key with no flag of its own (`name`), or given as the command's arguments (`url`).
    init(
        _ key: String,
        form: FlagForm,
        scope: SettingScope,
        help: String,
        syntax: ValueSyntax<Value>,
        apply: (@Sendable (Value, inout SessionSpec) -> Void)?
    ) {
        self.key = key
        self.form = form
        self.scope = scope
        self.help = help
        self.completion = nil
        self.syntax = syntax
        self.flagValue = { _ in nil }
        self.applyValue = apply
    }

    func value(fromTOML value: any TOMLValueConvertible) throws(SettingProblem) -> any Sendable {
        try self.syntax.parseTOML(value)
    }

    func value(from flags: SessionFlags) -> (any Sendable)? { self.flagValue(flags) }

    func apply(_ value: any Sendable, to spec: inout SessionSpec) {
        self.applyValue?(typed(value, of: self.key), &spec)
    }
}

extension SessionSetting where Value == Bool {
    /// `--key`, on when given; or `--key`/`--no-key` when `flag` is optional.
    init(
        _ key: String,
        help: String,
        flag: KeyPath<SessionFlags, Bool> & Sendable,
        apply: @escaping @Sendable (Bool, inout SessionSpec) -> Void
    ) {
        self.init(key, form: .switchOn, help: help, apply: apply) { $0[keyPath: flag] ? true : nil }
    }

    init(
        _ key: String,
        help: String,
        flag: KeyPath<SessionFlags, Bool?> & Sendable,
        apply: @escaping @Sendable (Bool, inout SessionSpec) -> Void
    ) {
        self.init(key, form: .onOff, help: help, apply: apply) { $0[keyPath: flag] }
    }

    private init(
        _ key: String,
        form: FlagForm,
        help: String,
        apply: @escaping @Sendable (Bool, inout SessionSpec) -> Void,
        flagValue: @escaping @Sendable (SessionFlags) -> Bool?
    ) {
        self.key = key
        self.form = form
        self.scope = .session
        self.help = help
        self.completion = nil
        self.syntax = .bool
        self.flagValue = flagValue
        self.applyValue = apply
    }
}

/// A session setting that is a list: a flag given once per element, an array in a file.
struct SessionListSetting<Element: Sendable>: SessionSettingRow {
    let key: String
    let short: Character?
    let form: FlagForm
    let scope = SettingScope.session
    let help: String
    let completion: CompletionKind? = nil
    /// One element: the text after one flag, or one element of the file's array.
    let element: ValueSyntax<Element>
    /// A later layer's elements come after an earlier one's (headers), instead of
    /// replacing them.
    let accumulates: Bool
    private let flag: KeyPath<SessionFlags, [Element]> & Sendable
    private let applyValue: @Sendable ([Element], inout SessionSpec) -> Void

    init(
        _ key: String,
        short: Character? = nil,
        valueName: String,
        help: String,
        element: ValueSyntax<Element>,
        accumulates: Bool = false,
        flag: KeyPath<SessionFlags, [Element]> & Sendable,
        apply: @escaping @Sendable ([Element], inout SessionSpec) -> Void
    ) {
        self.key = key
        self.short = short
        self.form = .repeated(valueName: valueName)
        self.help = help
        self.element = element
        self.accumulates = accumulates
        self.flag = flag
        self.applyValue = apply
    }

    func value(fromTOML value: any TOMLValueConvertible) throws(SettingProblem) -> any Sendable {
        guard let array = value.array else { throw SettingProblem("must be an array, like [\"…\", \"…\"]") }
        var elements: [Element] = []
        for item in array { elements.append(try self.element.parseTOML(item)) }
        return elements
    }

    func value(from flags: SessionFlags) -> (any Sendable)? {
        let elements = flags[keyPath: self.flag]
        return elements.isEmpty ? nil : elements
    }

    func combine(_ lower: any Sendable, under upper: any Sendable) -> any Sendable {
        guard self.accumulates, let lower = lower as? [Element], let upper = upper as? [Element] else { return upper }
        return lower + upper
    }

    func apply(_ value: any Sendable, to spec: inout SessionSpec) {
        self.applyValue(typed(value, of: self.key), &spec)
    }
}

/// A run setting that is also a config key, at the top of the file: the flag lives in
/// `RunFlags`, which the runner reads, and the file's value fills it when the flag was not
/// given.
struct RunSetting<Value: Sendable>: RunSettingRow {
    let key: String
    let short: Character? = nil
    let form: FlagForm
    let scope = SettingScope.run
    let help: String
    let completion: CompletionKind?
    let syntax: ValueSyntax<Value>
    /// Gives the flag the file's value unless the command line gave it.
    private let fillFlag: @Sendable (inout RunFlags, Value) -> Void

    init(
        _ key: String,
        valueName: String,
        help: String,
        syntax: ValueSyntax<Value>,
        completion: CompletionKind? = nil,
        flag: WritableKeyPath<RunFlags, Value?> & Sendable
    ) {
        self.key = key
        self.form = .option(valueName: valueName)
        self.help = help
        self.completion = completion
        self.syntax = syntax
        self.fillFlag = { flags, value in
            if flags[keyPath: flag] == nil { flags[keyPath: flag] = value }
        }
    }

    /// `--show-secrets`: on when given; `show_secrets = true` at the top of a file.
    init(_ key: String, help: String, flag: WritableKeyPath<RunFlags, Bool> & Sendable) where Value == Bool {
        self.key = key
        self.form = .switchOn
        self.help = help
        self.completion = nil
        self.syntax = .bool
        self.fillFlag = { flags, value in
            if !flags[keyPath: flag] { flags[keyPath: flag] = value }
        }
    }

    func value(fromTOML value: any TOMLValueConvertible) throws(SettingProblem) -> any Sendable {
        try self.syntax.parseTOML(value)
    }

    func fill(_ flags: inout RunFlags, with value: any Sendable) {
        self.fillFlag(&flags, typed(value, of: self.key))
    }
}

/// A value as its row's type: `SettingValues` keeps values untyped, each stored by its own row.
private func typed<Value>(_ value: any Sendable, of key: String) -> Value {
    guard let value = value as? Value else { preconditionFailure("\(key): a value of another row's type") }
    return value
}
