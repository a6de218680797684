import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonTestSupport

@testable import WSMonCommand

@Suite("Config files")
struct ConfigTests {
    static func fixture(_ name: String) -> String { TestPaths.file("Tests/WSMonCommandTests/Fixtures/\(name)") }

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
        #expect(trades.connection.extraHeaders.map(\.name) == ["X-Client", "Authorization"])
        #expect(trades.messagesOnOpen == [.text(#"{"op":"subscribe"}"#)])
        #expect(trades.messagesOnReconnect == [.text(#"{"op":"resubscribe"}"#)])

        let binary = specs[1].options
        #expect(binary.url.isSecure && binary.url.port == 8443)
        #expect(binary.connection.subprotocols == ["v2.example"])
        #expect(binary.messagesOnOpen == [.binary([0x01, 0xFF])])
        #expect(binary.pingInterval == nil)
        #expect(binary.intervalMessage?.message == .text(#"{"type":"PING"}"#))
        #expect(binary.intervalMessage?.every == .seconds(30))
        #expect(binary.tls.insecure)
        #expect(binary.reconnect.parallelHandshakes)
        #expect(!trades.reconnect.parallelHandshakes, "one handshake at a time unless asked")
        #expect(!binary.reconnect.isEnabled)
        #expect(binary.reconnect.maxAttempts == 4)
    }

    @Test func commandLineFlagsOverrideTheFile() throws {
        var overrides = SessionSettings()
        overrides.closeTimeout = .seconds(1)
        let specs = try ConfigFile.load(Self.fixture("valid.toml")).specs(overriddenBy: overrides)
        #expect(specs.allSatisfy { $0.options.closeTimeout == .seconds(1) })
    }

    @Test(
        "Each bad file gives one message with its file, line and key",
        arguments: [
            ("bad-syntax.toml", 4, nil as String?),
            ("bad-type.toml", 9, "close_timeout"),
            ("bad-key.toml", 3, "reconect"),
            ("bad-url.toml", 3, "url"),
            ("bad-stop-code.toml", 8, "stop_codes"),
        ]
    )
    func badFiles(name: String, line: Int, key: String?) throws {
        do {
            _ = try ConfigFile.load(Self.fixture(name)).specs()
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.path.hasSuffix(name))
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.description.hasPrefix("\(Self.fixture(name)):\(line): "))
        }
    }

    @Test func unreadableFile() throws {
        #expect(throws: ConfigError.self) { try ConfigFile.load("/nonexistent/wsmon.toml") }
        do { _ = try ConfigFile.load("/nonexistent/wsmon.toml") } catch {
            #expect(error.description == "/nonexistent/wsmon.toml: cannot read the file: No such file or directory")
        }
    }
}
