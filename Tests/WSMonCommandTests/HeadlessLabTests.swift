import Foundation
import Testing
import WSMonLab
import WSMonTestSupport

/// The five scenarios of ARCHITECTURE.md, checked from outside: the real `wsmon` binary in
/// headless mode against the lab, read through its JSON Lines and exit status.
@Suite("wsmon --headless against the lab")
struct HeadlessLabTests {
    static func index(of event: String, in events: [[String: Any]]) -> Int? {
        events.firstIndex { $0["event"] as? String == event }
    }

    @Test("1. the last message precedes the close")
    func lastMessageBeforeClose() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let result = try await WSMonProcess.run([
            "--headless", "--no-reconnect", lab.url("/last-message-then-close?code=1000&reason=done"),
        ])
        let events = result.events
        let message = try #require(Self.index(of: "message", in: events))
        let close = try #require(Self.index(of: "close_received", in: events))
        #expect(message < close)
        #expect(events[message]["preview"] as? String == "last message")
        let closed = try #require(result.events("closed").first)
        #expect(closed["code"] as? Int == 1000)
        #expect(closed["reason"] as? String == "done")
        #expect(closed["initiator"] as? String == "remote")
        #expect(closed["clean"] as? Bool == true)
        #expect(result.status == 0)
    }

    @Test("2. one Close frame sent, even when the server sends two")
    func oneCloseFrame() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let result = try await WSMonProcess.run(["--headless", "--frames", "--no-reconnect", lab.url("/double-close")])
        #expect(result.events("close_sent").count == 1)
        let outgoingCloses = result.events("frame").filter {
            $0["direction"] as? String == "out" && $0["opcode"] as? String == "close"
        }
        #expect(outgoingCloses.count == 1)
        #expect(result.events("violation").contains { $0["violation"] as? String == "second_close_frame" })
        let record = try #require(await lab.recordsOnceClosed().first { $0.path.hasPrefix("/double-close") })
        #expect(record.closeCodesReceived.count == 1, "the lab received \(record.closeCodesReceived)")
    }

    @Test("3. Close without FIN: torn down after the grace; ignored Close: torn down at the close timeout")
    func halfClosedIsBounded() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let halfClose = try await WSMonProcess.run([
            "--headless", "--no-reconnect", lab.url("/half-close?after=0.1"),
        ])
        let closed = try #require(halfClose.events("closed").first)
        #expect(closed["timeout_fired_in"] as? String == "closed-awaiting-transport")
        #expect(closed["tcp_closed_by"] as? String == "local")
        #expect(halfClose.events("state").contains { $0["state"] as? String == "closed-awaiting-transport" })

        let ignored = try await WSMonProcess.run([
            // --close-after leaves a busy machine time to open the session first.
            "--headless", "--no-reconnect", "--close-timeout", "1s", "--close-after", "2s", "--close-code", "4000",
            lab.url("/ignore-close"),
        ])
        let stuck = try #require(ignored.events("closed").first)
        #expect(stuck["timeout_fired_in"] as? String == "closing")
        #expect(stuck["tcp_closed_by"] as? String == "local")
        #expect(stuck["clean"] as? Bool == false)
        #expect(ignored.status == 1)
        #expect(ignored.events("close_sent").count == 1)
        // Closed at 2 s, then the 1 s close timeout: a run shorter than 3 s did not wait for it.
        #expect(ignored.elapsed >= .milliseconds(2950), "the run took \(ignored.elapsed)")
    }

    @Test("4 and 5. reconnect after a server Close, with the reconnect message on the second connection")
    func reconnectAfterServerClose() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let path = "/server-close?code=1011&reason=pong%20timeout&after=0.3&tag=\(UUID().uuidString)"
        let result = try await WSMonProcess.run([
            "--headless", "--send-on-open", "subscribe", "--send-on-reconnect", "resubscribe", "--backoff-initial",
            "0.05s", "--max-attempts", "3", "--close-after", "2.5s", lab.url(path),
        ])
        let closes = result.events("closed")
        #expect(closes.first?["code"] as? Int == 1011)
        #expect(closes.first?["reason"] as? String == "pong timeout")
        let opens = result.events("open")
        #expect(opens.count >= 2)
        #expect(opens.prefix(2).map { $0["reconnect"] as? Bool } == [false, true])
        #expect(opens.prefix(2).map { $0["connection"] as? Int } == [1, 2])
        let records = await lab.recordsOnceClosed().filter { $0.path == path }.sorted { $0.id < $1.id }
        #expect(records.prefix(2).map(\.messagesReceived) == [["subscribe"], ["resubscribe"]])
        #expect(result.events("reconnect_scheduled").first?["delay_ms"] as? Double ?? 1e9 <= 50)
    }

    @Test func rejectedHandshakeExitsWithTwoAndShowsTheStatus() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let result = try await WSMonProcess.run([
            "--headless", "--max-attempts", "1", lab.url("/reject?status=429&retry-after=7"),
        ])
        let failure = try #require(result.events("connect_failed").first)
        #expect(failure["error"] as? String == "handshake_rejected")
        #expect(failure["status"] as? Int == 429)
        #expect(failure["retry_after_s"] as? Int == 7)
        #expect(result.status == 2)
    }

    @Test func anUnreachableServerNeverStopsTheOthers() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let result = try await WSMonProcess.run([
            "--headless", "--max-attempts", "2", "--backoff-initial", "0.05s", "--send-on-open", "still here",
            "--close-after", "3s", refusing.url(), lab.url("/echo"),
        ])
        #expect(result.events("connect_failed").allSatisfy { $0["session"] as? Int == 1 })
        #expect(result.events("connect_failed").first?["error"] as? String == "connection_refused")
        #expect(
            result.events("message").contains { $0["session"] as? Int == 2 && $0["preview"] as? String == "still here" }
        )
        #expect(result.events("stopped").count == 2)
        #expect(result.status == 1)
    }

    @Test func recordWritesTheSameLinesAndDurationEndsTheRun() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wsmon-record-\(UUID().uuidString).jsonl"
        )
        // Three sessions open one after another (§4.1); the duration leaves a busy machine time.
        let result = try await WSMonProcess.run([
            "--headless", "--record", file.path, "--duration", "3s", "--count", "3", lab.url("/feed?rate=20&size=16"),
        ])
        // The record has every line of stdout, in order, after its header and session lines,
        // each with the same fields (and more: a record's complete fields).
        let recorded = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(recorded.first?["event"] as? String == "record")
        #expect(recorded.dropFirst().prefix(3).allSatisfy { $0["event"] as? String == "session" })
        let events = Array(recorded.dropFirst(4))
        #expect(events.count == result.events.count)
        for (line, printed) in zip(events, result.events) {
            #expect(line["event"] as? String == printed["event"] as? String)
            #expect(line["session"] as? Int == printed["session"] as? Int)
            #expect((line["time"] as? String)?.prefix(20) == (printed["time"] as? String)?.prefix(20))
        }
        #expect(Set(result.events("open").compactMap { $0["session"] as? Int }) == [1, 2, 3])
        let closes = result.events("closed")
        #expect(closes.count == 3)
        #expect(closes.allSatisfy { $0["code"] as? Int == 1001 && $0["clean"] as? Bool == true })
        #expect(result.status == 0)
    }
}
