import Foundation
import TOMLKit

/// How one value of a setting is written: as the text after its flag, and as a TOML value in
/// a config file. Both check the value, so a value is refused where it was given, with the
/// same words for a flag and a file.
struct ValueSyntax<Value: Sendable>: Sendable {
    let parseText: @Sendable (String) throws(SettingProblem) -> Value
    let parseTOML: @Sendable (any TOMLValueConvertible) throws(SettingProblem) -> Value

    init(
        text parseText: @escaping @Sendable (String) throws(SettingProblem) -> Value,
        toml parseTOML: @escaping @Sendable (any TOMLValueConvertible) throws(SettingProblem) -> Value
    ) {
        self.parseText = parseText
        self.parseTOML = parseTOML
    }

    /// A syntax whose TOML form is a string holding the flag's text; `expected` says what
    /// else was found wrong, for a value of another type.
    init(expected: String, text parseText: @escaping @Sendable (String) throws(SettingProblem) -> Value) {
        self.parseText = parseText
        self.parseTOML = { value throws(SettingProblem) in
            guard let string = value.string else { throw SettingProblem("must be \(expected)") }
            return try parseText(string)
        }
    }

    /// The same syntax, giving `transform`'s value.
    func map<Other>(_ transform: @escaping @Sendable (Value) -> Other) -> ValueSyntax<Other> {
        let (parseText, parseTOML) = (self.parseText, self.parseTOML)
        return ValueSyntax<Other>(
            text: { text throws(SettingProblem) in transform(try parseText(text)) },
            toml: { value throws(SettingProblem) in transform(try parseTOML(value)) }
        )
    }

    /// The same syntax, with values outside `allowed` refused with `requirement`
    /// ("must be 1 or more").
    func requiring(_ requirement: String, _ allowed: @escaping @Sendable (Value) -> Bool) -> ValueSyntax<Value> {
        let check = { @Sendable (value: Value) throws(SettingProblem) -> Value in
            guard allowed(value) else { throw SettingProblem(requirement) }
            return value
        }
        let (parseText, parseTOML) = (self.parseText, self.parseTOML)
        return ValueSyntax(
            text: { text throws(SettingProblem) in try check(try parseText(text)) },
            toml: { value throws(SettingProblem) in try check(try parseTOML(value)) }
        )
    }
}

/// Why a value was refused, in words that fit after the key or flag that gave it.
struct SettingProblem: Error, Equatable, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension ValueSyntax where Value == String {
    static var text: Self {
        ValueSyntax(expected: "a string") { $0 }
    }
}

extension ValueSyntax where Value == Int {
    static var integer: Self {
        ValueSyntax(
            text: { text throws(SettingProblem) in
                guard let integer = Int(text) else { throw SettingProblem("must be an integer") }
                return integer
            },
            toml: { value throws(SettingProblem) in
                guard let integer = value.int else { throw SettingProblem("must be an integer") }
                return integer
            }
        )
    }
}

extension ValueSyntax where Value == Int {
    /// Bytes, with an optional K, M or G (powers of 1024): "512K", "100M", "1G".
    static var byteSize: Self {
        ValueSyntax(expected: "a size such as 100M") { text throws(SettingProblem) in
            let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
            let unit = text.last.flatMap { units[Character($0.uppercased())] }
            let digits = unit == nil ? Substring(text) : text.dropLast()
            guard let number = Int(digits), number >= 0 else {
                throw SettingProblem("must be a size: bytes, or a number with K, M or G")
            }
            let (size, overflow) = number.multipliedReportingOverflow(by: unit ?? 1)
            guard !overflow else { throw SettingProblem("is too large") }
            return size
        }
    }
}

extension ValueSyntax where Value == Double {
    static var number: Self {
        ValueSyntax(
            text: { text throws(SettingProblem) in
                guard let number = Double(text), number.isFinite else { throw SettingProblem("must be a number") }
                return number
            },
            toml: { value throws(SettingProblem) in
                guard let number = value.double ?? value.int.map(Double.init), number.isFinite else {
                    throw SettingProblem("must be a number")
                }
                return number
            }
        )
    }
}

extension ValueSyntax where Value == Bool {
    /// A config value only: on the command line a switch is given or not.
    static var bool: Self {
        ValueSyntax(
            text: { text throws(SettingProblem) in
                switch text {
                case "true": return true
                case "false": return false
                default: throw SettingProblem("must be true or false")
                }
            },
            toml: { value throws(SettingProblem) in
                guard let bool = value.bool else { throw SettingProblem("must be true or false") }
                return bool
            }
        )
    }
}

extension ValueSyntax where Value == Duration {
    static let formats = "500ms, 2s, 1.5m, 1h or a number of seconds"

    /// "250ms", "2s", "1.5m", "1h" or seconds; in a file also a TOML number of seconds.
    static var duration: Self {
        ValueSyntax(
            text: { text throws(SettingProblem) in
                guard let duration = Self.duration(text) else {
                    throw SettingProblem("must be a duration: \(Self.formats)")
                }
                return duration
            },
            toml: { value throws(SettingProblem) in
                if let seconds = value.double ?? value.int.map(Double.init),
                    let duration = Self.duration(seconds: seconds)
                {
                    return duration
                }
                guard let text = value.string, let duration = Self.duration(text) else {
                    throw SettingProblem("must be a duration: \(Self.formats)")
                }
                return duration
            }
        )
    }

    static var positiveDuration: Self {
        Self.duration.requiring("must be above 0") { $0 > .zero }
    }

    /// A duration, or "off" (in a file also `false`) for none, given as `.zero`.
    static var durationOrOff: Self {
        let duration = Self.duration
        return ValueSyntax(
            text: { text throws(SettingProblem) in
                if text == "off" { return .zero }
                do { return try duration.parseText(text) } catch {
                    throw SettingProblem("must be a duration (\(Self.formats)), or off")
                }
            },
            toml: { value throws(SettingProblem) in
                if value.bool == false || value.string == "off" { return .zero }
                do { return try duration.parseTOML(value) } catch {
                    throw SettingProblem("must be a duration (\(Self.formats)), or off")
                }
            }
        )
    }

    private static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let number = Double(trimmed.dropLast(unit.suffix.count)) else { return nil }
            return self.duration(seconds: number * unit.seconds)
        }
        return Double(trimmed).flatMap { self.duration(seconds: $0) }
    }

    private static func duration(seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
