import Foundation
import Testing
import WSMonLab
import WSMonTestSupport

/// `--metrics HOST:PORT` from outside: the real binary, scraped over HTTP.
@Suite("wsmon --metrics")
struct MetricsCommandTests {
    /// Starts `wsmon arguments… --metrics 127.0.0.1:0` with stdout to a file; returns it
    /// with the port it says it listens on.
    static func start(_ arguments: [String]) async throws -> (RunningWSMon, port: Int) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let wsmon = try RunningWSMon(arguments + ["--metrics", "127.0.0.1:0"], stdout: .file(output))
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let line = wsmon.stderr.split(separator: "\n").first(where: { $0.contains("metrics at http://") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0.split(separator: "/").first ?? "") })
            {
                return (wsmon, port)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        wsmon.stop()
        throw HTTPGet.Failure(description: "wsmon never said where its metrics are: \(wsmon.stderr)")
    }

    /// Scrapes until `condition` holds for the body (bounded).
    static func scrape(port: Int, until condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(20)
        var last = ""
        while ContinuousClock.now < deadline {
            last = try HTTPGet.get(port: port, "/metrics").body
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HTTPGet.Failure(description: "condition never held; last scrape:\n\(last)")
    }

    @Test("headless: --count copies share one target; a URL's query never becomes a label; 404 elsewhere")
    func headlessScrape() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let (wsmon, port) = try await Self.start([
            "--headless", "--count", "3", "--ping-interval", "100ms", lab.url("/feed?rate=20&token=s3cret"),
        ])
        defer { wsmon.stop() }
        let target = "ws://127.0.0.1:\(lab.port)/feed"
        let body = try await Self.scrape(port: port) {
            $0.contains("wsmon_sessions{target=\"\(target)\",state=\"open\"} 3.0")
                && $0.contains("wsmon_ping_rtt_seconds_count{target=\"\(target)\"}")
                && $0.contains("wsmon_last_message_timestamp_seconds{")
        }
        #expect(!body.contains("s3cret"))
        #expect(!body.contains("#1"), "copies are not labels")
        #expect(body.contains("wsmon_build_info{version=\""))
        #expect(body.contains("wsmon_opens_total{target=\"\(target)\",kind=\"first\"} 3"))
        #expect(body.contains("wsmon_connect_attempts_total{target=\"\(target)\",result=\"opened\"} 3"))
        #expect(body.contains("wsmon_handshake_duration_seconds_count{target=\"\(target)\",phase=\"upgrade\"} 3"))
        #expect(body.contains("wsmon_messages_total{target=\"\(target)\",direction=\"in\",opcode=\"text\"}"))
        #expect(body.contains("wsmon_last_message_timestamp_seconds{target=\"\(target)\"}"))
        let response = try HTTPGet.get(port: port, "/metrics")
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(try HTTPGet.get(port: port, "/").status == 404)
        #expect(try HTTPGet.get(port: port, "/metricsx").status == 404)
        wsmon.send(SIGINT)
        #expect(await wsmon.waitForExit(within: .seconds(15)) != nil)
    }

    @Test("the dashboard serves metrics too, and shows a silent feed as stale in the table and the header")
    func dashboardScrapeAndStaleFeed() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let port = try HTTPGet.freePort()
        let terminal = try TmuxTerminal(width: 120, height: 30)
        defer { terminal.close() }
        try terminal.run(
            "\(WSMonProcess.binary) --metrics 127.0.0.1:\(port) --stale-after 300ms --ping-interval 100ms "
                + "\(lab.url("/silent")) \(lab.url("/silent?pongs=0")) \(lab.url("/feed?rate=20"))"
                + DashboardTerminalTests.afterExit
        )
        let (matched, screen) = try await terminal.waitForScreen {
            $0.contains { $0.contains("◔2") } && $0.contains { $0.contains("◔ quiet") }
                && $0.contains { $0.contains("◔ half-open") }
        }
        #expect(matched, "\(screen.joined(separator: "\n"))")
        let body = try await Self.scrape(port: port) { $0.contains("wsmon_stale_sessions{") }
        let stale = body.split(separator: "\n").filter { $0.hasPrefix("wsmon_stale_sessions{") }
        // Both silent endpoints are one target: the query is not part of it.
        #expect(stale.contains("wsmon_stale_sessions{target=\"ws://127.0.0.1:\(lab.port)/silent\"} 2.0"), "\(stale)")
        #expect(stale.contains("wsmon_stale_sessions{target=\"ws://127.0.0.1:\(lab.port)/feed\"} 0.0"), "\(stale)")
        try terminal.press("q")
        _ = try await DashboardTerminalTests.waitForExit(terminal)
    }

    @Test("a port in use, an address not ours or a bad one: one line, exit 64")
    func listenFailures() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        // Refused at listen time: one line. Malformed: ArgumentParser's error line, then its usage.
        let cases: [(String, String, oneLine: Bool)] = [
            ("127.0.0.1:\(lab.port)", "the port is in use", true),
            ("203.0.113.7:9464", "not one of this machine's", true),
            ("localhost", "must be HOST:PORT", false),
            ("127.0.0.1:99999", "0 to 65535", false),
        ]
        for (address, words, oneLine) in cases {
            let result = try await WSMonProcess.run(["--headless", "--metrics", address, lab.url("/echo")])
            #expect(result.status == 64, "\(address): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.first?.contains(words) == true, "\(address): \(result.stderr)")
            if oneLine { #expect(lines.count == 1, "\(address): \(result.stderr)") }
            #expect(result.stdout.isEmpty, "no session started")
        }
    }
}
