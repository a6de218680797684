import Foundation
import TOMLKit
import WSMonClient
import WSMonCore
import WSMonMetrics

extension ValueSyntax where Value == WebSocketURL {
    /// A ws:// or wss:// URL; a URL without a scheme, or with http(s)://, suggests the
    /// WebSocket one (wscat users type `127.0.0.1:9001/echo`).
    static var webSocketURL: Self {
        ValueSyntax(expected: "a ws:// or wss:// URL") { text throws(SettingProblem) in
            do { return try WebSocketURL(parsing: text) } catch {
                var problem =
                    text.contains("://") ? "not a WebSocket URL: \(error)" : "not a WebSocket URL (no ws:// or wss://)"
                if let suggestion = Self.suggestion(for: text) { problem += "; did you mean \(suggestion)?" }
                throw SettingProblem(problem)
            }
        }
    }

    /// The WebSocket URL someone probably meant, if it parses.
    private static func suggestion(for text: String) -> String? {
        let lowered = text.lowercased()
        let candidate: String
        if lowered.hasPrefix("http://") {
            candidate = "ws://" + text.dropFirst("http://".count)
        } else if lowered.hasPrefix("https://") {
            candidate = "wss://" + text.dropFirst("https://".count)
        } else if !text.contains("://") {
            candidate = "ws://" + text
        } else {
            return nil
        }
        return (try? WebSocketURL(parsing: candidate)) == nil ? nil : candidate
    }
}

extension ValueSyntax where Value == OutgoingMessage {
    /// Text as given, `hex:0a1b…` for binary, `text:…` for text that starts with "hex:".
    static var message: Self {
        ValueSyntax(expected: "a string (text, or hex:… for binary)") { text throws(SettingProblem) in
            guard let message = OutgoingMessage(parsing: text) else {
                throw SettingProblem("hex: must be followed by pairs of hex digits, like hex:0a1b")
            }
            return message
        }
    }
}

extension ValueSyntax where Value == HTTPHeaders.Field {
    /// "Name: value".
    static var header: Self {
        // The text is not repeated: a header's value is often a secret.
        ValueSyntax(expected: "a string \"Name: value\"") { text throws(SettingProblem) in
            let refusal = SettingProblem("must be \"Name: value\" (a name of letters, digits, - and _)")
            guard let colon = text.firstIndex(of: ":") else { throw refusal }
            let name = text[..<colon].trimmingCharacters(in: .whitespaces)
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
            else { throw refusal }
            return HTTPHeaders.Field(name: name, value: value)
        }
    }
}

extension ValueSyntax where Value == [UInt16] {
    /// Close codes a server may send: "1008,4001" after the flag, an array of integers (or
    /// the flag's string) in a file.
    static var closeCodes: Self {
        let expected = "close codes, like 1008,4001 (each 1000–4999)"
        let check = { @Sendable (code: Int) throws(SettingProblem) -> UInt16 in
            guard (1000...4999).contains(code) else { throw SettingProblem("\(code) is not a close code (1000–4999)") }
            return UInt16(code)
        }
        let text = { @Sendable (text: String) throws(SettingProblem) -> [UInt16] in
            var codes: [UInt16] = []
            for part in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
                guard let code = Int(part) else { throw SettingProblem("must be \(expected)") }
                codes.append(try check(code))
            }
            return codes
        }
        return ValueSyntax(
            text: text,
            toml: { value throws(SettingProblem) in
                if let string = value.string { return try text(string) }
                guard let array = value.array else { throw SettingProblem("must be an array of \(expected)") }
                var codes: [UInt16] = []
                for element in array {
                    guard let code = element.int else { throw SettingProblem("must be an array of \(expected)") }
                    codes.append(try check(code))
                }
                return codes
            }
        )
    }
}

extension ValueSyntax where Value == ProxyOptions {
    /// "http://[user:password@]host:port" or "host:port"; the text is not repeated (a password).
    static var proxy: Self {
        ValueSyntax(expected: "a string, http://[user:pass@]host:port") { text throws(SettingProblem) in
            guard let proxy = ProxyOptions(parsing: text) else {
                throw SettingProblem("must be host:port or http://[user:pass@]host:port")
            }
            return proxy
        }
    }
}

extension ValueSyntax where Value == MetricsAddress {
    /// `HOST:PORT`, `[IPv6]:PORT` or `:PORT`.
    static var metricsAddress: Self {
        ValueSyntax(expected: "a string HOST:PORT") { text throws(SettingProblem) in
            switch MetricsAddress.parse(text) {
            case .success(let address): return address
            case .failure(let problem): throw SettingProblem(problem.description)
            }
        }
    }
}

extension ValueSyntax where Value == Int {
    /// A permessage-deflate window size in bits (RFC 7692 §7.1.2).
    static var windowBits: Self {
        .integer.requiring("must be 8 to 15 (a window of 256 B to 32 KiB)") {
            PerMessageDeflateOffer.windowBitsRange.contains($0)
        }
    }
}
