import TOMLKit
import WSMonClient
import WSMonCore
import WSMonTOML

/// Reads one table of a config file (`[defaults]` or a `[[session]]`) into settings,
/// checking every key's type and value.
struct SettingsReader {
    enum Section {
        case defaults
        case session(Int)
    }

    let path: String
    let locator: KeyLocator
    let section: Section

    static let sessionKeys: Set<String> = [
        "name", "url", "count", "headers", "subprotocols", "origin", "send_on_open", "send_on_reconnect",
        "interval_message", "interval", "ping_interval", "pong_timeout", "close_timeout", "open_timeout",
        "max_message_size", "ca_file", "insecure", "parallel_handshakes", "proxy", "reconnect",
    ]
    static let reconnectKeys: Set<String> = [
        "enabled", "initial", "multiplier", "cap", "stable_period", "max_attempts", "stop_codes",
    ]

    private func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError(path: self.path, line: self.locator.line(of: key, in: self.section), key: key, message: message)
    }

    func settings(
        from table: TOMLTable,
        allowsURL: Bool
    ) throws(ConfigError) -> (url: String?, settings: SessionSettings) {
        var settings = SessionSettings()
        var url: String?
        for key in table.keys {
            guard Self.sessionKeys.contains(key), allowsURL || !["url", "name"].contains(key) else {
                throw self.error(key, allowsURL ? "unknown key" : "not allowed in [defaults]")
            }
            let value = table[key]!
            switch key {
            case "name": settings.name = try self.string(value, key)
            case "url": url = try self.string(value, key)
            case "count":
                let count = try self.integer(value, key)
                guard count >= 1 else { throw self.error(key, "must be 1 or more") }
                settings.count = count
            case "headers":
                guard let headers = value.table else {
                    throw self.error(key, "must be a table of \"Name\" = \"value\"")
                }
                for name in headers.keys {
                    settings.headers.append(HTTPHeaders.Field(name: name, value: try self.string(headers[name]!, key)))
                }
            case "subprotocols": settings.subprotocols = try self.strings(value, key)
            case "origin": settings.origin = try self.string(value, key)
            case "send_on_open": settings.messagesOnOpen = try self.messages(value, key)
            case "send_on_reconnect": settings.messagesOnReconnect = try self.messages(value, key)
            case "interval_message": settings.intervalMessage = try self.message(try self.string(value, key), key)
            case "interval": settings.interval = try self.duration(value, key)
            case "ping_interval":
                if value.bool == false || value.string == "off" {
                    settings.pingInterval = .zero
                } else {
                    settings.pingInterval = try self.duration(value, key)
                }
            case "pong_timeout": settings.pongTimeout = try self.duration(value, key)
            case "close_timeout": settings.closeTimeout = try self.duration(value, key)
            case "open_timeout": settings.openTimeout = try self.duration(value, key)
            case "max_message_size": settings.maxMessageSize = try self.integer(value, key)
            case "ca_file": settings.caFile = try self.string(value, key)
            case "insecure": settings.insecure = try self.bool(value, key)
            case "parallel_handshakes": settings.parallelHandshakes = try self.bool(value, key)
            case "proxy": settings.proxy = try self.string(value, key)
            case "reconnect": try self.readReconnect(value, into: &settings)
            default: break
            }
        }
        return (url, settings)
    }

    private func readReconnect(
        _ value: any TOMLValueConvertible,
        into settings: inout SessionSettings
    ) throws(ConfigError) {
        if let enabled = value.bool {
            settings.reconnect = enabled
            return
        }
        guard let table = value.table else { throw self.error("reconnect", "must be true, false or a table") }
        for key in table.keys {
            guard Self.reconnectKeys.contains(key) else { throw self.error(key, "unknown key in reconnect") }
            let value = table[key]!
            switch key {
            case "enabled": settings.reconnect = try self.bool(value, key)
            case "initial": settings.backoffInitial = try self.duration(value, key)
            case "multiplier":
                guard let number = value.double ?? value.int.map(Double.init) else {
                    throw self.error(key, "must be a number")
                }
                settings.backoffMultiplier = number
            case "cap": settings.backoffCap = try self.duration(value, key)
            case "stable_period": settings.stablePeriod = try self.duration(value, key)
            case "max_attempts": settings.maxAttempts = try self.integer(value, key)
            case "stop_codes":
                guard let array = value.array else { throw self.error(key, "must be an array of close codes") }
                var codes: [UInt16] = []
                for element in array {
                    guard let code = element.int, let code16 = UInt16(exactly: code) else {
                        throw self.error(key, "must be an array of close codes")
                    }
                    codes.append(code16)
                }
                settings.stopCodes = codes
            default: break
            }
        }
    }

    private func string(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> String {
        guard let string = value.string else { throw self.error(key, "must be a string") }
        return string
    }

    private func strings(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> [String] {
        guard let array = value.array else { throw self.error(key, "must be an array of strings") }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else { throw self.error(key, "must be an array of strings") }
            strings.append(string)
        }
        return strings
    }

    private func integer(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> Int {
        guard let integer = value.int else { throw self.error(key, "must be an integer") }
        return integer
    }

    private func bool(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> Bool {
        guard let bool = value.bool else { throw self.error(key, "must be true or false") }
        return bool
    }

    private func duration(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> Duration {
        if let seconds = value.double ?? value.int.map(Double.init),
            let duration = ValueParsing.duration(seconds: seconds)
        {
            return duration
        }
        if let text = value.string, let duration = ValueParsing.duration(text) { return duration }
        throw self.error(key, "must be a duration: seconds, or a string like \"500ms\", \"2s\", \"1m\"")
    }

    private func messages(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> [OutgoingMessage] {
        var messages: [OutgoingMessage] = []
        for text in try self.strings(value, key) { messages.append(try self.message(text, key)) }
        return messages
    }

    private func message(_ text: String, _ key: String) throws(ConfigError) -> OutgoingMessage {
        guard let message = OutgoingMessage(parsing: text) else {
            throw self.error(key, "bad hex: message \(text.debugDescription)")
        }
        return message
    }
}
