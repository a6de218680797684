import FoundationEssentials
import NIOCore
import NIOPosix
import Testing
import WSMonClient
import WSMonCore

@testable import WSMonMetrics

/// The exporter fed events directly, on a real event loop, then scraped.
@Suite("Metrics exporter")
struct ExporterTests {
    static let response = HandshakeResponse(
        statusCode: 101,
        reasonPhrase: "Switching Protocols",
        headers: HTTPHeaders(),
        subprotocol: nil
    )

    /// Runs `events` through one new session's sink for each of `sessions`, on one loop.
    static func feed(
        _ exporter: MetricsExporter,
        target: String,
        sessions: Int,
        on loop: any EventLoop,
        events: @escaping @Sendable (Int) -> [SessionEvent.Kind]
    ) async throws {
        let sinks = (0..<sessions).map { _ in exporter.sink(forTarget: target, on: loop) }
        try await loop.submit {
            for (index, sink) in sinks.enumerated() {
                for kind in events(index) {
                    sink(
                        SessionEvent(
                            time: Date(timeIntervalSince1970: 1000),
                            session: index + 1,
                            connection: 1,
                            kind: kind
                        )
                    )
                }
            }
        }.get()
    }

    static func lines(_ exporter: MetricsExporter, _ family: String) async -> [String] {
        let text = String(decoding: await exporter.scrape(), as: UTF8.self)
        return text.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix(family + "{") || $0.hasPrefix(family + " ")
        }
    }

    @Test func tenThousandSessionsOfOneTargetGiveOneSeriesPerState() async throws {
        let exporter = MetricsExporter(version: "test")
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        try await Self.feed(exporter, target: "feed", sessions: 10_000, on: loop) { index in
            var kinds: [SessionEvent.Kind] = [.stateChanged(.connecting), .stateChanged(.open)]
            kinds.append(.opened(Self.response, isReconnect: false))
            kinds.append(.connection(.text("tick \(index)")))
            if index % 4 == 0 { kinds.append(.stateChanged(.reconnecting)) }
            return kinds
        }
        let sessions = await Self.lines(exporter, "wsmon_sessions")
        #expect(sessions.count == SessionState.allCases.count, "\(sessions)")
        #expect(sessions.contains("wsmon_sessions{target=\"feed\",state=\"open\"} 7500.0"), "\(sessions)")
        #expect(sessions.contains("wsmon_sessions{target=\"feed\",state=\"reconnecting\"} 2500.0"), "\(sessions)")
        #expect(sessions.contains("wsmon_sessions{target=\"feed\",state=\"connecting\"} 0.0"), "\(sessions)")
        let messages = await Self.lines(exporter, "wsmon_messages_total")
        #expect(messages.count == 4)
        #expect(messages.contains("wsmon_messages_total{target=\"feed\",direction=\"in\",opcode=\"text\"} 10000"))
        #expect(
            await Self.lines(exporter, "wsmon_opens_total").contains {
                $0 == "wsmon_opens_total{target=\"feed\",kind=\"first\"} 10000"
            }
        )
        // Every family together stays a few dozen series for one target, whatever the count.
        let text = String(decoding: await exporter.scrape(), as: UTF8.self)
        let series = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(series.count < 150, "\(series.count) series")
    }

    @Test func countersOnlyGrowAndScrapesAddWhatCameBetween() async throws {
        let exporter = MetricsExporter(version: "test")
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        try await Self.feed(exporter, target: "a", sessions: 2, on: loop) { _ in
            [.connection(.binary([1, 2, 3])), .messageSent(.text("hi"))]
        }
        #expect(
            await Self.lines(exporter, "wsmon_payload_bytes_total").sorted() == [
                "wsmon_payload_bytes_total{target=\"a\",direction=\"in\"} 6",
                "wsmon_payload_bytes_total{target=\"a\",direction=\"out\"} 4",
            ]
        )
        try await Self.feed(exporter, target: "a", sessions: 1, on: loop) { _ in [.connection(.binary([9]))] }
        #expect(
            await Self.lines(exporter, "wsmon_payload_bytes_total").contains {
                $0 == "wsmon_payload_bytes_total{target=\"a\",direction=\"in\"} 7"
            }
        )
        #expect(
            await Self.lines(exporter, "wsmon_last_message_timestamp_seconds") == [
                "wsmon_last_message_timestamp_seconds{target=\"a\"} 1000.0"
            ]
        )
    }

    @Test func closesAreLabelledByClassAndPongTimeoutsCounted() async throws {
        let exporter = MetricsExporter(version: "test")
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let codes: [UInt16] = [1000, 1006, 1005, 4001, 4999, 3002, 2000]
        try await Self.feed(exporter, target: "t", sessions: codes.count, on: loop) { index in
            let code = CloseCode(codes[index])
            var summary = CloseSummary(
                initiator: .remote,
                received: CloseFrame(code: code, reason: ""),
                transportClosedBy: .peer
            )
            if index == 1 { summary.failure = .local(code: .internalError, reason: CloseSummary.pongTimeoutReason) }
            return [.opened(Self.response, isReconnect: index > 0), .closed(summary, transportError: nil)]
        }
        let closes = await Self.lines(exporter, "wsmon_closes_total")
        let labels = Set(closes.compactMap { $0.split(separator: "code=\"").last?.split(separator: "\"").first })
        #expect(labels == ["1000", "1006", "1005", "4xxx", "3xxx", "other"], "\(closes)")
        #expect(closes.contains { $0.contains("code=\"4xxx\"") && $0.hasSuffix(" 2") })
        #expect(
            await Self.lines(exporter, "wsmon_pong_timeouts_total") == ["wsmon_pong_timeouts_total{target=\"t\"} 1"]
        )
        #expect(
            await Self.lines(exporter, "wsmon_opens_total").sorted() == [
                "wsmon_opens_total{target=\"t\",kind=\"first\"} 1",
                "wsmon_opens_total{target=\"t\",kind=\"reconnect\"} 6",
            ]
        )
    }

    @Test func staleSessionsCountUntilFreshOrNoLongerOpen() async throws {
        let exporter = MetricsExporter(version: "test")
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        try await Self.feed(exporter, target: "s", sessions: 3, on: loop) { index in
            var kinds: [SessionEvent.Kind] = [.stateChanged(.open), .stale(silentFor: .seconds(5), pings: .answered)]
            if index == 1 { kinds.append(.fresh(silentFor: .seconds(6))) }
            if index == 2 { kinds.append(.stateChanged(.reconnecting)) }
            return kinds
        }
        #expect(await Self.lines(exporter, "wsmon_stale_sessions") == ["wsmon_stale_sessions{target=\"s\"} 1.0"])
    }

    @Test func handshakePhasesGoToTheirHistograms() async throws {
        let exporter = MetricsExporter(version: "test")
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let phases = HandshakePhases([.init(.tcp, .milliseconds(2)), .init(.upgrade, .milliseconds(30))])
        try await Self.feed(exporter, target: "h", sessions: 1, on: loop) { _ in
            [.opened(Self.response, isReconnect: false, phases: phases)]
        }
        let counts = await Self.lines(exporter, "wsmon_handshake_duration_seconds_count")
        #expect(counts.contains("wsmon_handshake_duration_seconds_count{target=\"h\",phase=\"tcp\"} 1"), "\(counts)")
        #expect(counts.contains("wsmon_handshake_duration_seconds_count{target=\"h\",phase=\"dns\"} 0"), "\(counts)")
        let buckets = await Self.lines(exporter, "wsmon_handshake_duration_seconds_bucket")
        #expect(
            buckets.contains("wsmon_handshake_duration_seconds_bucket{target=\"h\",phase=\"upgrade\",le=\"0.025\"} 0")
        )
        #expect(
            buckets.contains("wsmon_handshake_duration_seconds_bucket{target=\"h\",phase=\"upgrade\",le=\"0.05\"} 1")
        )
    }

    @Test func closeCodeLabelsAreBounded() {
        #expect(CloseCodeLabel.label(1000) == "1000")
        #expect(CloseCodeLabel.label(1004) == "other")
        #expect(CloseCodeLabel.label(1005) == "1005")
        #expect(CloseCodeLabel.label(1006) == "1006")
        #expect(CloseCodeLabel.label(1015) == "1015")
        #expect(CloseCodeLabel.label(3999) == "3xxx")
        #expect(CloseCodeLabel.label(4000) == "4xxx")
        #expect(CloseCodeLabel.label(65535) == "other")
        let labels = Set((0...UInt16.max).map(CloseCodeLabel.label))
        #expect(labels.count == 18)
    }

    @Test func aSessionNamedByItsURLIsLabelledWithoutTheQuery() throws {
        let url = try WebSocketURL(parsing: "wss://feed.example.com/v1/stream?token=s3cret")
        #expect(MetricsTarget.label(name: url.description, url: url) == "wss://feed.example.com/v1/stream")
        #expect(MetricsTarget.label(name: "trades", url: url) == "trades")
    }

    @Test func addressesParseOrSayWhatIsWrong() throws {
        #expect(try MetricsAddress.parse("127.0.0.1:9464").get() == MetricsAddress(host: "127.0.0.1", port: 9464))
        #expect(try MetricsAddress.parse("[::1]:0").get() == MetricsAddress(host: "::1", port: 0))
        #expect(try MetricsAddress.parse(":9464").get() == MetricsAddress(host: "0.0.0.0", port: 9464))
        for bad in ["9464", "host:", "host:70000", "::1:80", "h:x"] {
            #expect(throws: MetricsAddress.Problem.self) { try MetricsAddress.parse(bad).get() }
        }
    }
}
