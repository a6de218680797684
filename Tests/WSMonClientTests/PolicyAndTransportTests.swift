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
    private func attempts(_ events: [SessionEvent]) -> [Int] {
        events.compactMap {
            if case .reconnectScheduled(_, let attempt, _) = $0.kind { return attempt } else { return nil }
        }
    }

    @Test func backoffStartsOverOnlyAfterAStablePeriod() async throws {
        let lab = try await ScenarioLab.start()
        for (stable, expected) in [(Duration.milliseconds(100), [1, 1, 1]), (.seconds(60), [1, 2, 3])] {
            let recorder = SessionRecorder()
            let session = recorder.start(
                try LabScenarioTests.options(lab.url("/server-close?code=1012&after=0.2")) {
                    $0.reconnect.isEnabled = true
                    $0.reconnect.backoffInitial = .milliseconds(10)
                    $0.reconnect.stablePeriod = stable
                }
            )
            let events = try await recorder.wait { self.attempts($0).count >= 3 }
            session.close()
            #expect(Array(self.attempts(events).prefix(3)) == expected, "stable period \(stable)")
        }
        try await lab.shutdown()
    }

    @Test func tryAgainLaterWaitsLonger() async throws {
        let lab = try await ScenarioLab.start()
        let recorder = SessionRecorder()
        let session = recorder.start(
            try LabScenarioTests.options(lab.url("/server-close?code=1013&after=0.05")) {
                $0.reconnect.isEnabled = true
                $0.reconnect.tryAgainLaterDelay = .milliseconds(700)
            }
        )
        let events = try await recorder.wait { self.attempts($0).count >= 1 }
        session.close()
        for case .reconnectScheduled(let delay, _, _) in events.map(\.kind) {
            #expect(delay >= .milliseconds(700))
        }
        try await lab.shutdown()
    }

    @Test func attemptLimitStopsTheSessionAndCountersAddUp() async throws {
        let lab = try await ScenarioLab.start()
        let url = lab.url("/echo")
        try await lab.shutdown()
        let recorder = SessionRecorder()
        let session = recorder.start(
            try LabScenarioTests.options(url) {
                $0.reconnect.isEnabled = true
                $0.reconnect.backoffInitial = .milliseconds(10)
                $0.reconnect.maxAttempts = 3
            }
        )
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.stopped == .attemptsExhausted(3))
        #expect(events.connectErrors.count == 3)
        let counters = try await session.readCounters().get()
        #expect(counters.attempts == 3)
        #expect(counters.consecutiveFailures == 3)
        #expect(counters.connects == 0)
        #expect(counters.timeInState[.reconnecting] != nil)
    }

    @Test func countersRecordConnectsReconnectsAndCloseCodes() async throws {
        let lab = try await ScenarioLab.start()
        let recorder = SessionRecorder()
        let session = recorder.start(
            try LabScenarioTests.options(lab.url("/server-close?code=4001&after=0.05")) {
                $0.reconnect.isEnabled = true
            }
        )
        try await recorder.wait { $0.opens.count >= 3 }
        session.close()
        try await recorder.wait { $0.stopped != nil }
        let counters = try await session.readCounters().get()
        #expect(counters.connects >= 3)
        #expect(counters.reconnects == counters.connects - 1)
        #expect((counters.closeCodes[4001] ?? 0) >= 2)
        try await lab.shutdown()
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
