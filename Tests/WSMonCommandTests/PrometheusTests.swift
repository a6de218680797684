import Foundation
import Testing
import WSMonLab
import WSMonTestSupport

@testable import WSMonMetrics

/// Two headless agents against the lab, scraped by a real Prometheus every second, checked
/// through its query and alert APIs against the agents' own JSON Lines; and promtool on the
/// examples and on a scrape of 10,000 sessions.
@Suite("Prometheus", .serialized)
struct PrometheusTests {
    static let examples = TestPaths.file("examples/prometheus")

    /// The JSON Lines an agent wrote so far.
    static func lines(_ path: String?) -> [[String: Any]] {
        guard let path else { return [] }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Sessions whose last state line says open, among those whose name contains `path`.
    static func openSessions(_ lines: [[String: Any]], excluding path: String) -> Int {
        var states: [Int: String] = [:]
        for line in lines where line["event"] as? String == "state" {
            guard let session = line["session"] as? Int, let name = line["name"] as? String, !name.contains(path) else {
                continue
            }
            states[session] = line["state"] as? String
        }
        return states.values.filter { $0 == "open" }.count
    }

    static func closes(_ lines: [[String: Any]], of path: String) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for line in lines
        where line["event"] as? String == "closed" && (line["name"] as? String)?.contains(path) == true {
            counts[line["code"] as? Int ?? 0, default: 0] += 1
        }
        return counts
    }

    @Test("two agents, one Prometheus: sessions, reconnects, close codes and the stale alert")
    func twoAgentsScrapedByPrometheus() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let common = [
            "--headless", "--stale-after", "1s", "--ping-interval", "200ms", "--backoff-initial", "100ms",
            "--backoff-cap", "300ms", "--stop-codes", "4001",
        ]
        let (agentA, portA) = try await MetricsCommandTests.start(
            common + [
                "--count", "2", lab.url("/feed?rate=10"), lab.url("/periodic-drop?every=0.7"),
                lab.url("/server-close?code=4001&after=0.2"),
            ]
        )
        defer { agentA.stop() }
        let (agentB, portB) = try await MetricsCommandTests.start(
            common + [lab.url("/reject?status=403"), lab.url("/silent")]
        )
        defer { agentB.stop() }
        let prometheus = try await PrometheusServer(
            config: """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files: ["\(Self.examples)/rules.yml"]
                scrape_configs:
                  - job_name: wsmon
                    static_configs:
                      - targets: ["127.0.0.1:\(portA)", "127.0.0.1:\(portB)"]
                """
        )
        defer { prometheus.stop() }

        try await prometheus.wait("both agents up") {
            let targets =
                (try prometheus.api("/api/v1/targets") as? [String: Any])?["activeTargets"] as? [[String: Any]]
            return targets?.count == 2 && targets?.allSatisfy { $0["health"] as? String == "up" } == true
        }

        // Open sessions over both agents (the periodic drops come and go, so they are left out).
        var lastSeen = ""
        try await prometheus.wait("open sessions to match the JSON Lines") {
            let fromPrometheus = try prometheus.query(#"sum(wsmon_sessions{state="open",target!~".*/periodic-drop"})"#)
            let fromLines =
                Self.openSessions(Self.lines(agentA.stdoutPath), excluding: "/periodic-drop")
                + Self.openSessions(Self.lines(agentB.stdoutPath), excluding: "/periodic-drop")
            lastSeen = "\(fromPrometheus.map(\.value)) vs \(fromLines)"
            return fromPrometheus.first?.value == Double(fromLines) && fromLines == 3
        }

        try await prometheus.wait("reconnects of periodic-drop") {
            let increase = try prometheus.query(
                #"sum(increase(wsmon_opens_total{kind="reconnect",target=~".*/periodic-drop"}[30s]))"#
            )
            return (increase.first?.value ?? 0) > 0
        }

        // The server-close sessions stopped on their 4001 (a stop code): their counts are final.
        try await prometheus.wait("close codes to match the JSON Lines") {
            let samples = try prometheus.query(#"sum by (code) (wsmon_closes_total{target=~".*/server-close"})"#)
            let fromPrometheus = Dictionary(uniqueKeysWithValues: samples.map { ($0.labels["code"] ?? "", $0.value) })
            let fromLines = Self.closes(Self.lines(agentA.stdoutPath), of: "/server-close")
            return fromLines == [4001: 2] && fromPrometheus == ["4xxx": 2]
        }
        let drops = try prometheus.query(#"sum(wsmon_closes_total{target=~".*/periodic-drop",code="1006"})"#)
        let dropLines = Self.closes(Self.lines(agentA.stdoutPath), of: "/periodic-drop")[1006] ?? 0
        #expect((drops.first?.value ?? 0) > 0)
        #expect((drops.first?.value ?? 0) <= Double(dropLines), "Prometheus saw no more drops than were written")

        try await prometheus.wait("the stale alert for the silent endpoint") {
            let alerts = (try prometheus.api("/api/v1/alerts") as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
            let firing = alerts.filter { $0["state"] as? String == "firing" }.compactMap {
                $0["labels"] as? [String: String]
            }
            let stale = firing.filter { $0["alertname"] == "WebSocketFeedStale" }.compactMap { $0["target"] }
            return stale.count == 1 && stale[0].hasSuffix("/silent")
                && firing.contains {
                    $0["alertname"] == "WebSocketHandshakeRejected" && $0["target"]?.hasSuffix("/reject") == true
                }
        }
        _ = lastSeen
    }

    @Test("promtool accepts the example config and rules")
    func examplesPassPromtool() async throws {
        let config = try await Promtool.run(["check", "config", "\(Self.examples)/prometheus.yml"])
        #expect(config.status == 0, "\(config.output)")
        let rules = try await Promtool.run(["check", "rules", "\(Self.examples)/rules.yml"])
        #expect(rules.status == 0, "\(rules.output)")
    }

    @Test("promtool check metrics passes on a scrape of 10,000 sessions")
    func tenThousandSessionScrapePassesPromtool() async throws {
        let body = try await ScrapeFixture.tenThousandSessions()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scrape-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(body.contains("wsmon_sessions{target=\"feed-7\",state=\"open\"} 1000.0"))
        let check = try await Promtool.run(["check", "metrics"], stdinFile: path)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "no lint: \(check.output)")
    }
}
