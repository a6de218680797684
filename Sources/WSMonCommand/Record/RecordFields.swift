import Foundation
import WSMonCore

/// One record line's object, read field by field; a missing or mistyped field is an error
/// that names it.
struct RecordFields {
    let object: [String: Any]

    private func missing(_ key: String, _ type: String) -> RecordedValues.Unreadable {
        RecordedValues.Unreadable(description: object[key] == nil ? "no \(key)" : "\(key) is not \(type)")
    }

    func text(_ key: String) throws -> String {
        guard let value = self.object[key] as? String else { throw self.missing(key, "a string") }
        return value
    }

    func optionalText(_ key: String) -> String? { self.object[key] as? String }

    func integer(_ key: String) throws -> Int {
        guard let value = self.optionalInteger(key) else { throw self.missing(key, "an integer") }
        return value
    }

    func optionalInteger(_ key: String) -> Int? {
        guard let number = self.object[key] as? NSNumber else { return nil }
        return number.intValue
    }

    func unsigned(_ key: String) throws -> UInt64 { UInt64(clamping: try self.integer(key)) }

    func number(_ key: String) throws -> Double {
        guard let value = self.optionalNumber(key) else { throw self.missing(key, "a number") }
        return value
    }

    func optionalNumber(_ key: String) -> Double? {
        (self.object[key] as? NSNumber)?.doubleValue
    }

    func bool(_ key: String) throws -> Bool {
        guard let value = self.optionalBool(key) else { throw self.missing(key, "true or false") }
        return value
    }

    func optionalBool(_ key: String) -> Bool? { self.object[key] as? Bool }

    func object(_ key: String) throws -> RecordFields {
        guard let value = self.object[key] as? [String: Any] else { throw self.missing(key, "an object") }
        return RecordFields(object: value)
    }

    func optionalObject(_ key: String) -> RecordFields? {
        (self.object[key] as? [String: Any]).map(RecordFields.init)
    }

    func headers(_ key: String) throws -> HTTPHeaders {
        guard let pairs = self.object[key] as? [[String]], pairs.allSatisfy({ $0.count == 2 }) else {
            throw self.missing(key, "a list of [name, value]")
        }
        return HTTPHeaders(pairs.map { ($0[0], $0[1]) })
    }
}
