import ArgumentParser
import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonTOML
import WSMonTestSupport

@testable import WSMonCommand

@Suite("Config files")
struct ConfigTests {
    static func fixture(_ name: String) -> String { TestPaths.file("Tests/WSMonCommandTests/Fixtures/\(name)") }

    /// The first problem `text` has, as one line.
    static func problem(in text: String, flags: [String] = []) throws -> String? {
        do {
            let config = try ConfigFile.parse(text, path: "t.toml")
            _ = try config.specs(overriddenBy: try SessionFlags.parse(flags).values())
            return nil
        } catch let error as TOMLFileError {
            return error.description
        } catch let error as SettingError {
            return error.description
        }
    }

    @Test func validFileLayersDefaultsUnderEachSession() throws {
        let specs = try ConfigFile.load(Self.fixture("valid.toml")).specs()
        #expect(specs.count == 2)
        let trades = specs[0].options
        #expect(specs[0].count == 2)
        #expect(trades.name == "trades")
        #expect(trades.url.description == "ws://127.0.0.1:9001/feed")
        #expect(trades.pingInterval == .seconds(5))
        #expect(trades.closeTimeout == .seconds(3))
        #expect(trades.reconnect.backoffInitial == .milliseconds(250))
        #expect(trades.reconnect.backoffCap == .seconds(30))
        #expect(trades.reconnect.stopCodes == [1008, 4001])
        #expect(trades.connection.extraHeaders.map(\.name) == ["X-Client", "Authorization"], "headers add up")
        #expect(trades.messagesOnOpen == [.text(#"{"op":"subscribe"}"#)])
        #expect(trades.messagesOnReconnect == [.text(#"{"op":"resubscribe"}"#)])
        #expect(trades.reconnect.isEnabled)

        let binary = specs[1].options
        #expect(binary.url.isSecure && binary.url.port == 8443)
        #expect(binary.connection.subprotocols == ["v2.example"])
        #expect(binary.messagesOnOpen == [.binary([0x01, 0xFF])])
        #expect(binary.messagesOnReconnect == nil, "the open messages again")
        #expect(binary.pingInterval == nil)
        #expect(binary.intervalMessage?.message == .text(#"{"type":"PING"}"#))
        #expect(binary.intervalMessage?.every == .seconds(30))
        #expect(binary.tls.insecure)
        #expect(binary.reconnect.parallelHandshakes)
        #expect(!trades.reconnect.parallelHandshakes, "one handshake at a time unless asked")
        #expect(!binary.reconnect.isEnabled)
        #expect(binary.reconnect.maxAttempts == 4)
        #expect(binary.connection.extraHeaders.map(\.name) == ["X-Client"], "[defaults] apply")
    }

    @Test func commandLineFlagsOverrideTheFile() throws {
        let flags = try SessionFlags.parse([
            "--close-timeout", "1s", "-H", "X-Flag: 1", "--reconnect", "--ping-interval", "off",
            "--send-on-open", "hello",
        ])
        let specs = try ConfigFile.load(Self.fixture("valid.toml")).specs(overriddenBy: flags.values())
        #expect(specs.allSatisfy { $0.options.closeTimeout == .seconds(1) }, "over [defaults]")
        #expect(specs.allSatisfy { $0.options.pingInterval == nil }, "over [defaults] and a session's key")
        #expect(specs.allSatisfy { $0.options.messagesOnOpen == [.text("hello")] }, "a list replaces")
        #expect(specs[1].options.reconnect.isEnabled, "--reconnect over the session's reconnect = false")
        #expect(specs[0].options.connection.extraHeaders.map(\.name) == ["X-Client", "Authorization", "X-Flag"])
        #expect(specs[0].options.reconnect.backoffCap == .seconds(30), "what the flags leave out stays")
    }

    @Test func runKeysFillTheRunFlagsTheCommandLineLeftOut() throws {
        let config = try ConfigFile.load(Self.fixture("valid.toml"))
        var run = try RunFlags.parse([])
        config.fill(&run)
        #expect(run.duration?.value == .seconds(120))

        var given = try RunFlags.parse(["--duration", "5s"])
        config.fill(&given)
        #expect(given.duration?.value == .seconds(5), "the flag wins")
    }

    @Test(
        "Each bad file gives one message with its file, line and key",
        arguments: [
            ("bad-syntax.toml", 4, nil as String?, ""),
            ("bad-type.toml", 9, "close_timeout", "must be a duration: 500ms, 2s, 1.5m, 1h or a number of seconds"),
            ("bad-key.toml", 3, "reconect", "unknown key; did you mean reconnect?"),
            (
                "bad-url.toml", 3, "url",
                "not a WebSocket URL (no ws:// or wss://); did you mean ws://127.0.0.1:9001/echo?"
            ),
            ("bad-stop-code.toml", 9, "stop_codes", "99999 is not a close code (1000–4999)"),
        ]
    )
    func badFiles(name: String, line: Int, key: String?, message: String) throws {
        let error = #expect(throws: TOMLFileError.self) { try ConfigFile.load(Self.fixture(name)) }
        #expect(error?.path.hasSuffix(name) == true)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.key == key, "\(String(describing: error))")
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("\(Self.fixture(name)):\(line): ") == true)
    }

    /// The review's case: a key that is not in the file, with no line, was reported.
    @Test(
        "Every reconnect key, bad in [defaults] or in a session, is named as written, on its line",
        arguments: [
            ("reconnect", "\"yes\"", "must be true or false"),
            ("backoff_initial", "\"soon\"", "must be a duration: 500ms, 2s, 1.5m, 1h or a number of seconds"),
            ("backoff_initial", "0", "must be above 0"),
            ("backoff_multiplier", "0.5", "must be 1 or more"),
            ("backoff_multiplier", "\"fast\"", "must be a number"),
            ("backoff_cap", "0", "must be above 0"),
            ("stable_period", "-1", "must be a duration: 500ms, 2s, 1.5m, 1h or a number of seconds"),
            ("max_attempts", "-1", "must be 0 (no limit) or more"),
            ("max_attempts", "1.5", "must be an integer"),
            ("stop_codes", "[1008, 5000]", "5000 is not a close code (1000–4999)"),
            ("stop_codes", "1008", "must be an array of close codes, like 1008,4001 (each 1000–4999)"),
            ("parallel_handshakes", "1", "must be true or false"),
        ]
    )
    func reconnectKeys(key: String, value: String, message: String) throws {
        let inDefaults = "# policy\n[defaults]\n\(key) = \(value)\n\n[[session]]\nurl = \"ws://127.0.0.1:1/\"\n"
        #expect(try Self.problem(in: inDefaults) == "t.toml:3: \(key): \(message)")
        let inSession =
            "[defaults]\n\n[[session]]\nurl = \"ws://127.0.0.1:1/\"\n\n[[session]]\n"
            + "url = \"ws://127.0.0.1:2/\"\n\(key) = \(value)\n"
        #expect(try Self.problem(in: inSession) == "t.toml:8: \(key): \(message)")
    }

    @Test(
        "A key in the wrong place, or misspelt, says where it goes or what was meant",
        arguments: [
            ("[defaults]\nping_intervall = 5", "t.toml:2: ping_intervall: unknown key; did you mean ping_interval?"),
            ("[defaults]\nheaders = []", "t.toml:2: headers: unknown key; did you mean header?"),
            ("[defaults]\nwhatever = 1", "t.toml:2: whatever: unknown key"),
            ("[defaults]\nname = \"x\"", "t.toml:2: name: not allowed in [defaults]: it tells sessions apart"),
            (
                "[defaults]\nduration = \"1m\"",
                "t.toml:2: duration: is a run key: put it at the top of the file, before any table"
            ),
            (
                "ping_interval = 5\n[[session]]\nurl = \"ws://h/\"",
                "t.toml:1: ping_interval: is a session key: put it in [defaults] or a [[session]]"
            ),
            (
                "durration = 5\n[[session]]\nurl = \"ws://h/\"",
                "t.toml:1: durration: unknown key (expected [defaults], [[session]] or a run key); "
                    + "did you mean duration?"
            ),
            (
                "[[session]]\nurl = \"ws://h/\"\n\n[session.reconnect]\ncap = \"30s\"",
                "t.toml:4: reconnect: must be true or false; no setting is a table: each is a key of its own, "
                    + "like backoff_cap"
            ),
            (
                "[defaults]\n[defaults.reconnect]\ncap = \"30s\"\n[[session]]\nurl = \"ws://h/\"",
                "t.toml:2: reconnect: must be true or false; no setting is a table: each is a key of its own, "
                    + "like backoff_cap"
            ),
            ("[[session]]\nname = \"x\"", "t.toml:1: session 1 has no url"),
            ("[defaults]\nping_interval = 5", "t.toml: no [[session]] given"),
            ("session = 1", "t.toml:1: session: use [[session]] tables"),
            (
                "defaults = 1\n[[session]]\nurl = \"ws://h/\"",
                "t.toml:1: defaults: must be a table, under a [defaults] header"
            ),
            (
                "[[session]]\nurl = \"ws://h/\"\nheader = \"X: y\"",
                "t.toml:3: header: must be an array, like [\"…\", \"…\"]"
            ),
            (
                "[[session]]\nurl = \"ws://h/\"\nheader = [\"X-Token secret\"]",
                "t.toml:3: header: must be \"Name: value\" (a name of letters, digits, - and _)"
            ),
        ]
    )
    func misplacedKeys(text: String, expected: String) throws {
        #expect(try Self.problem(in: text) == expected)
    }

    @Test func anIntervalAndItsMessageNeedEachOther() throws {
        let session = "[[session]]\nurl = \"ws://h/\"\n"
        #expect(try Self.problem(in: session + "interval = \"5s\"") == "t.toml:3: interval: needs interval_message")
        #expect(
            try Self.problem(in: session + "interval_message = \"x\"") == "t.toml:3: interval_message: needs interval"
        )
        #expect(try Self.problem(in: session, flags: ["--interval", "5s"]) == "--interval needs --interval-message")
        #expect(try Self.problem(in: session + "interval_message = \"x\"", flags: ["--interval", "5s"]) == nil)
        #expect(
            try Self.problem(in: "[defaults]\ninterval = \"5s\"\n" + session)
                == "t.toml:2: interval: needs interval_message",
            "the line of [defaults], where the key is"
        )
    }

    @Test func unreadableFiles() throws {
        let missing = #expect(throws: TOMLFileError.self) { try ConfigFile.load("/nonexistent/wsmon.toml") }
        #expect(missing?.description == "/nonexistent/wsmon.toml: cannot read the file: No such file or directory")
        let endless = #expect(throws: TOMLFileError.self) { try ConfigFile.load("/dev/zero") }
        #expect(endless?.description == "/dev/zero: the file is over 1 MiB, too large for a config file or theme")
    }
}
