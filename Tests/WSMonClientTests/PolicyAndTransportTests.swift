import Foundation
import NIOPosix
import Testing
import WSMonClient
import WSMonCore
import WSMonLab
import WSMonTestSupport

@testable import WSMonClient

/// Reconnect policy details and transport options, against the lab on loopback.
@Suite("Reconnect policy and transport options", .serialized)
struct PolicyAndTransportTests {
    // The policy itself is tested as transcripts (SessionStateMachineTests); these check
    // that the session runs the machine's actions over real sockets.

    @Test func failedAttemptsAreNumberedAndStopAtTheLimit() async throws {
        let recorder = SessionRecorder()
        recorder.start(
            try LabScenarioTests.options("ws://127.0.0.1:9/") {
                $0.reconnect.isEnabled = true
                $0.reconnect.backoffInitial = .milliseconds(10)
                $0.reconnect.maxAttempts = 3
            }
        )
        // Generous: the storm suite may share the event loops with this one.
        let events = try await recorder.wait(timeout: .seconds(30)) { $0.stopped != nil }
        #expect(events.stopped == .attemptsExhausted(3))
        #expect(events.connectErrors.count == 3)
        let attempts = events.compactMap { if case .connecting(let attempt, _) = $0.kind { attempt } else { nil } }
        let scheduled = events.compactMap {
            if case .reconnectScheduled(_, let attempt, _) = $0.kind { attempt } else { nil }
        }
        #expect(attempts == [1, 2, 3])
        #expect(scheduled == [2, 3], "a scheduled reconnect names the attempt that follows")
        #expect(events.allSatisfy { $0.connection == 0 }, "no connection opened")
        let states = events.compactMap { if case .stateChanged(let state) = $0.kind { state } else { nil } }
        #expect(
            Array(states.prefix(2)) == [.waiting, .connecting],
            "queued at the §4.1 gate, then its first attempt's state connecting"
        )
    }

    @Test func reopensAreReconnectsAndEveryConnectionIsNumbered() async throws {
        let lab = try await ScenarioLab.start()
        defer { Task { try? await lab.shutdown() } }
        let recorder = SessionRecorder()
        let session = recorder.start(
            try LabScenarioTests.options(lab.url("/server-close?code=4001&after=0.05")) {
                $0.reconnect.isEnabled = true
            }
        )
        try await recorder.wait { $0.opens.count >= 3 }
        session.close(stopReason: .runEnded("test over"))
        let events = try await recorder.wait { $0.stopped != nil }
        let opens = events.opens
        #expect(opens.map(\.isReconnect).prefix(3) == [false, true, true])
        #expect(opens.map(\.connection).prefix(3) == [1, 2, 3])
        #expect(events.closeSummaries.prefix(2).map(\.code.rawValue) == [4001, 4001])
        #expect(events.stopped == .runEnded("test over"))
    }

    @Test func theIntervalMessageIsSentWhileOpenAndEndsWithTheConnection() async throws {
        let lab = try await ScenarioLab.start()
        defer { Task { try? await lab.shutdown() } }
        let recorder = SessionRecorder()
        let session = recorder.start(
            try LabScenarioTests.options(lab.url("/echo")) {
                $0.intervalMessage = (.text(#"{"type":"PING"}"#), .milliseconds(50))
            }
        )
        try await recorder.wait { $0.texts.count >= 3 }
        session.close()
        let events = try await recorder.wait { $0.stopped != nil }
        let sent = events.filter { if case .messageSent(.text(#"{"type":"PING"}"#)) = $0.kind { true } else { false } }
        #expect(sent.count >= 3)
        #expect(Set(events.texts) == [#"{"type":"PING"}"#], "the echo of each")
        let closeSent = try #require(
            events.firstIndex { if case .connection(.closeSent) = $0.kind { true } else { false } }
        )
        #expect(
            !events[closeSent...].contains { if case .messageSent = $0.kind { true } else { false } },
            "nothing after our Close"
        )
    }

    @Test func ipv6Loopback() async throws {
        let lab = try await ScenarioLab.start(host: "::1")
        let recorder = SessionRecorder()
        recorder.start(try LabScenarioTests.options(lab.url("/last-message-then-close")))
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.texts == ["last message"])
        #expect(lab.url("/").hasPrefix("ws://[::1]:"))
        try await lab.shutdown()
    }

    @Test func throughAnHTTPConnectProxy() async throws {
        let lab = try await ScenarioLab.start()
        let proxy = try await PeerProcess.start([
            "python3", TestPaths.file("Tests/Peers/connect_proxy.py"), "--auth", "Basic dTpw",
        ])
        defer { proxy.stop() }
        let recorder = SessionRecorder()
        recorder.start(
            try LabScenarioTests.options(lab.url("/last-message-then-close")) {
                $0.proxy = ProxyOptions(host: "127.0.0.1", port: proxy.port, authorization: "Basic dTpw")
            }
        )
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.texts == ["last message"])
        #expect(try String(contentsOf: proxy.errorLog, encoding: .utf8).contains("tunnel 1 "))

        let refused = SessionRecorder()
        refused.start(
            try LabScenarioTests.options(lab.url("/echo")) {
                $0.proxy = ProxyOptions(host: "127.0.0.1", port: proxy.port)
            }
        )
        let failed = try await refused.wait { $0.stopped != nil }
        guard case .proxyFailure(let detail)? = failed.connectErrors.first else {
            Issue.record("expected a proxy failure, got \(failed.connectErrors)")
            return
        }
        #expect(detail.contains("407"))
        try await lab.shutdown()
    }

    @Test func proxyFromTheEnvironmentSkipsLoopbackAndNoProxyHosts() throws {
        let environment = ["https_proxy": "http://user:pw@proxy.internal:8080", "no_proxy": ".corp.example"]
        let viaProxy = try WebSocketURL(parsing: "wss://feed.example.com/")
        #expect(
            ProxyEnvironment.proxy(for: viaProxy, environment: environment)
                == ProxyOptions(host: "proxy.internal", port: 8080, authorization: "Basic dXNlcjpwdw==")
        )
        #expect(
            ProxyEnvironment.proxy(for: try WebSocketURL(parsing: "wss://a.corp.example/"), environment: environment)
                == nil
        )
        #expect(
            ProxyEnvironment.proxy(for: try WebSocketURL(parsing: "wss://127.0.0.1:9/"), environment: environment)
                == nil
        )
        #expect(
            ProxyEnvironment.proxy(for: try WebSocketURL(parsing: "ws://feed.example.com/"), environment: environment)
                == nil,
            "ws:// reads http_proxy"
        )
    }

    @Test func unknownHostIsADNSFailure() async throws {
        let recorder = SessionRecorder()
        recorder.start(try LabScenarioTests.options("ws://nonexistent.invalid/"))
        let events = try await recorder.wait { $0.stopped != nil }
        guard case .dnsFailure(let host, _)? = events.connectErrors.first else {
            Issue.record("expected a DNS failure, got \(events.connectErrors)")
            return
        }
        #expect(host == "nonexistent.invalid")
    }
}
