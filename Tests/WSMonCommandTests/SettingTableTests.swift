import ArgumentParser
import Foundation
import Testing
import WSMonTOML
import WSMonTestSupport

@testable import WSMonCommand

/// The settings table is the one description of every setting: these tests hold each row
/// to it (flag and key, both parsers, the README's option table).
@Suite("Settings table")
struct SettingTableTests {
    /// One row's values: good and bad after its flag and in a config file.
    struct Example: CustomTestStringConvertible, Sendable {
        var key: String
        /// The flag and its text; nil for a key with no flag.
        var flag: [String]?
        /// Text refused after the flag, nil when every text is a value (a name, a path).
        var badText: String?
        var toml: String
        var badTOML: String
        /// What both refusals say, unless `textProblem` says otherwise for the flag.
        var problem: String
        var textProblem: String?

        var testDescription: String { self.key }
    }

    static let durationProblem = "must be a duration: 500ms, 2s, 1.5m, 1h or a number of seconds"

    static let examples: [Example] = [
        Example(key: "name", toml: #""feed""#, badTOML: "3", problem: "must be a string"),
        Example(
            key: "url",
            toml: #""ws://h/""#,
            badTOML: #""http://h/""#,
            problem: "not a WebSocket URL: unsupported scheme 'http': use ws:// or wss://; did you mean ws://h/?"
        ),
        Example(
            key: "count",
            flag: ["--count", "3"],
            badText: "0",
            toml: "3",
            badTOML: "0",
            problem: "must be 1 or more"
        ),
        Example(
            key: "header",
            flag: ["-H", "X-A: 1"],
            badText: "X A: 1",
            toml: #"["X-A: 1"]"#,
            badTOML: #"["X-A 1"]"#,
            problem: #"must be "Name: value" (a name of letters, digits, - and _)"#
        ),
        Example(
            key: "subprotocol",
            flag: ["--subprotocol", "v2"],
            toml: #"["v2"]"#,
            badTOML: "[2]",
            problem: "must be a string"
        ),
        Example(
            key: "origin",
            flag: ["--origin", "https://o"],
            toml: #""https://o""#,
            badTOML: "1",
            problem: "must be a string"
        ),
        Example(
            key: "send_on_open",
            flag: ["--send-on-open", "hi"],
            badText: "hex:0",
            toml: #"["hi", "hex:01ff"]"#,
            badTOML: #"["hex:zz"]"#,
            problem: "hex: must be followed by pairs of hex digits, like hex:0a1b"
        ),
        Example(
            key: "send_on_reconnect",
            flag: ["--send-on-reconnect", "hi"],
            badText: "hex:0",
            toml: "[]",
            badTOML: "[1]",
            problem: "must be a string (text, or hex:… for binary)",
            textProblem: "hex: must be followed by pairs of hex digits, like hex:0a1b"
        ),
        Example(
            key: "interval_message",
            flag: ["--interval-message", "hi"],
            badText: "hex:zz",
            toml: #""hi""#,
            badTOML: "[]",
            problem: "must be a string (text, or hex:… for binary)",
            textProblem: "hex: must be followed by pairs of hex digits, like hex:0a1b"
        ),
        Example(
            key: "interval",
            flag: ["--interval", "2s"],
            badText: "0",
            toml: "2",
            badTOML: "0",
            problem: "must be above 0"
        ),
        Example(
            key: "ping_interval",
            flag: ["--ping-interval", "off"],
            badText: "often",
            toml: "false",
            badTOML: #""often""#,
            problem: "must be a duration (500ms, 2s, 1.5m, 1h or a number of seconds), or off"
        ),
        Example(
            key: "pong_timeout",
            flag: ["--pong-timeout", "5s"],
            badText: "0s",
            toml: "5",
            badTOML: "0",
            problem: "must be above 0"
        ),
        Example(
            key: "stale_after",
            flag: ["--stale-after", "30s"],
            badText: "often",
            toml: "30",
            badTOML: #""often""#,
            problem: "must be a duration (500ms, 2s, 1.5m, 1h or a number of seconds), or off"
        ),
        Example(
            key: "close_timeout",
            flag: ["--close-timeout", "500ms"],
            badText: "2x",
            toml: #""500ms""#,
            badTOML: #""2x""#,
            problem: Self.durationProblem
        ),
        Example(
            key: "open_timeout",
            flag: ["--open-timeout", "1.5m"],
            badText: "-1",
            toml: "90",
            badTOML: "true",
            problem: Self.durationProblem
        ),
        Example(
            key: "reconnect",
            flag: ["--no-reconnect"],
            toml: "false",
            badTOML: #""no""#,
            problem: "must be true or false"
        ),
        Example(
            key: "backoff_initial",
            flag: ["--backoff-initial", "100ms"],
            badText: "0",
            toml: "0.1",
            badTOML: "0",
            problem: "must be above 0"
        ),
        Example(
            key: "backoff_multiplier",
            flag: ["--backoff-multiplier", "1.5"],
            badText: "0.5",
            toml: "1.5",
            badTOML: "0.5",
            problem: "must be 1 or more"
        ),
        Example(
            key: "backoff_cap",
            flag: ["--backoff-cap", "5s"],
            badText: "soon",
            toml: "5",
            badTOML: "-5",
            problem: Self.durationProblem
        ),
        Example(
            key: "stable_period",
            flag: ["--stable-period", "0"],
            badText: "x",
            toml: "0",
            badTOML: #""x""#,
            problem: Self.durationProblem
        ),
        Example(
            key: "max_attempts",
            flag: ["--max-attempts", "0"],
            badText: "-1",
            toml: "5",
            badTOML: "-1",
            problem: "must be 0 (no limit) or more"
        ),
        Example(
            key: "stop_codes",
            flag: ["--stop-codes", "1008,4001"],
            badText: "1008,x",
            toml: "[1008, 4001]",
            badTOML: "[999]",
            problem: "999 is not a close code (1000–4999)",
            textProblem: "must be close codes, like 1008,4001 (each 1000–4999)"
        ),
        Example(
            key: "max_message_size",
            flag: ["--max-message-size", "1024"],
            badText: "0",
            toml: "1024",
            badTOML: "0",
            problem: "must be above 0"
        ),
        Example(
            key: "deflate",
            flag: ["--no-deflate"],
            toml: "false",
            badTOML: #""off""#,
            problem: "must be true or false"
        ),
        Example(
            key: "deflate_server_no_context_takeover",
            flag: ["--deflate-server-no-context-takeover"],
            toml: "true",
            badTOML: "1",
            problem: "must be true or false"
        ),
        Example(
            key: "deflate_client_no_context_takeover",
            flag: ["--deflate-client-no-context-takeover"],
            toml: "true",
            badTOML: "1",
            problem: "must be true or false"
        ),
        Example(
            key: "deflate_server_max_window_bits",
            flag: ["--deflate-server-max-window-bits", "10"],
            badText: "16",
            toml: "10",
            badTOML: "7",
            problem: "must be 8 to 15 (a window of 256 B to 32 KiB)"
        ),
        Example(
            key: "deflate_client_max_window_bits",
            flag: ["--deflate-client-max-window-bits", "8"],
            badText: "9x",
            toml: "15",
            badTOML: "0",
            problem: "must be 8 to 15 (a window of 256 B to 32 KiB)",
            textProblem: "must be an integer"
        ),
        Example(
            key: "ca_file",
            flag: ["--ca-file", "/ca.pem"],
            toml: #""/ca.pem""#,
            badTOML: "[]",
            problem: "must be a string"
        ),
        Example(
            key: "insecure",
            flag: ["--insecure"],
            toml: "true",
            badTOML: #""yes""#,
            problem: "must be true or false"
        ),
        Example(
            key: "cert",
            flag: ["--cert", "/client.pem"],
            toml: #""/client.pem""#,
            badTOML: "1",
            problem: "must be a string"
        ),
        Example(
            key: "key",
            flag: ["--key", "/client-key.pem"],
            toml: #""/client-key.pem""#,
            badTOML: "true",
            problem: "must be a string"
        ),
        Example(
            key: "parallel_handshakes",
            flag: ["--parallel-handshakes"],
            toml: "true",
            badTOML: "1",
            problem: "must be true or false"
        ),
        Example(
            key: "proxy",
            flag: ["--proxy", "http://proxy:3128"],
            badText: "http://proxy:port",
            toml: #""proxy:3128""#,
            badTOML: #""http://proxy:port""#,
            problem: "must be host:port or http://[user:pass@]host:port"
        ),
        Example(
            key: "duration",
            flag: ["--duration", "2m"],
            badText: "later",
            toml: #""2m""#,
            badTOML: #""later""#,
            problem: Self.durationProblem
        ),
        Example(
            key: "metrics",
            flag: ["--metrics", "127.0.0.1:9464"],
            badText: "9464",
            toml: #""127.0.0.1:9464""#,
            badTOML: #""9464""#,
            problem: "must be HOST:PORT, e.g. 127.0.0.1:9464"
        ),
        Example(
            key: "show_secrets",
            flag: ["--show-secrets"],
            toml: "true",
            badTOML: #""yes""#,
            problem: "must be true or false"
        ),
        Example(
            key: "record_max_size",
            flag: ["--record-max-size", "100M"],
            badText: "huge",
            toml: #""100M""#,
            badTOML: #""huge""#,
            problem: "must be a size: bytes, or a number with K, M or G"
        ),
    ]

    @Test func everyRowHasAnExampleAndOneName() {
        #expect(Self.examples.map(\.key) == SettingTable.all.map(\.key), "in the table's order")
        #expect(Set(SettingTable.all.map(\.key)).count == SettingTable.all.count)
        for row in SettingTable.all {
            #expect(row.key.allSatisfy { $0.isLowercase || $0 == "_" }, "\(row.key)")
            if let flag = row.flag { #expect(flag == "--" + row.key.replacingOccurrences(of: "_", with: "-")) }
        }
    }

    /// Each flag is a property of `SessionFlags` or `RunFlags` in the form its row says.
    @Test(arguments: Self.examples.filter { $0.flag != nil })
    func theFlagParses(example: Example) throws {
        let row = try #require(SettingTable.row(example.key))
        let arguments = try #require(example.flag)
        switch row.scope {
        case .run:
            #expect(throws: Never.self) { try RunFlags.parse(arguments) }
        case .session, .sessionOnly:
            let values = try SessionFlags.parse(arguments).values()
            #expect(values.source(of: row) == .flag(try #require(row.flag)))
        }
    }

    @Test(arguments: Self.examples.filter { $0.badText != nil })
    func aBadFlagValueSaysWhatIsExpected(example: Example) throws {
        let row = try #require(SettingTable.row(example.key))
        let arguments = ["\(try #require(row.flag))=\(try #require(example.badText))"]
        let message: String
        switch row.scope {
        case .run: message = RunFlags.message(for: try #require(Self.parseError { try RunFlags.parse(arguments) }))
        case .session, .sessionOnly:
            message = SessionFlags.message(for: try #require(Self.parseError { try SessionFlags.parse(arguments) }))
        }
        #expect(message.hasSuffix(": " + (example.textProblem ?? example.problem)), "\(message)")
        #expect(message.contains(try #require(row.flag)))
    }

    private static func parseError(_ parse: () throws -> some Any) -> (any Error)? {
        do { _ = try parse() } catch { return error }
        return nil
    }

    @Test(arguments: Self.examples)
    func theConfigKeyReadsGoodValuesAndRefusesBadOnes(example: Example) throws {
        let row = try #require(SettingTable.row(example.key))
        /// A file with `value` for the key, and the key's line.
        func file(_ value: String) -> (text: String, line: Int) {
            let assignment = "\(example.key) = \(value)\n"
            switch row.scope {
            case .run: return (assignment + "\n[[session]]\nurl = \"ws://h/\"\n", 1)
            case .sessionOnly where example.key == "url": return ("[[session]]\n" + assignment, 2)
            case .session, .sessionOnly: return ("[[session]]\nurl = \"ws://h/\"\n" + assignment, 3)
            }
        }
        _ = try ConfigFile.parse(file(example.toml).text, path: "t.toml")
        let (bad, line) = file(example.badTOML)
        let error = #expect(throws: TOMLFileError.self) { try ConfigFile.parse(bad, path: "t.toml") }
        #expect(error == TOMLFileError(path: "t.toml", line: line, key: example.key, message: example.problem))
    }

    // MARK: The README

    static let tableStart = "<!-- The settings table, as SettingTableTests renders it from SettingTable. -->"
    static let tableEnd = "<!-- End of the settings table. -->"

    /// The README's option table, one line per row.
    static func renderedTable() -> String {
        var lines = ["| flag | config key | |", "|---|---|---|"]
        for row in SettingTable.all {
            let help = row.help.replacingOccurrences(of: "|", with: "\\|")
            lines.append("| \(Self.flagColumn(row)) | \(Self.keyColumn(row)) | \(help) |")
        }
        return lines.joined(separator: "\n")
    }

    private static func flagColumn(_ row: any SettingRow) -> String {
        let value = row.valueName.map { " <\($0)>" } ?? ""
        switch row.form {
        case .option, .repeated, .switchOn:
            let short = row.short.map { "-\($0)/" } ?? ""
            return "`\(short)\(row.flag!)\(value)`"
        case .onOff: return "`--[no-]\(row.flagName!)`"
        case .arguments: return "`wsmon\(value)…`"
        case .configOnly: return "—"
        }
    }

    private static func keyColumn(_ row: any SettingRow) -> String {
        var key = "`\(row.key)`"
        if case .repeated = row.form { key = "`\(row.key) = […]`" }
        switch row.scope {
        case .session: return key
        case .sessionOnly: return key + " (`[[session]]` only)"
        case .run: return key + " (top of the file)"
        }
    }

    @Test func theReadmeListsEveryRowAsTheTableDescribesIt() throws {
        let readme = try String(contentsOfFile: TestPaths.file("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: Self.tableStart), "README.md has no settings table")
        let end = try #require(readme.range(of: Self.tableEnd, range: start.upperBound..<readme.endIndex))
        let listed = readme[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        let expected = Self.renderedTable()
        #expect(listed == expected, "README.md's settings table should read:\n\(expected)")
    }

    /// The example in the README's config-file section is a file wsmon reads.
    @Test func theReadmeConfigExampleLoads() throws {
        let readme = try String(contentsOfFile: TestPaths.file("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "### Config file"))
        let open = try #require(readme.range(of: "```toml\n", range: section.upperBound..<readme.endIndex))
        let close = try #require(readme.range(of: "```", range: open.upperBound..<readme.endIndex))
        let config = try ConfigFile.parse(String(readme[open.upperBound..<close.lowerBound]), path: "README.md")
        let specs = try config.specs()
        #expect(specs.count >= 2)
    }
}
