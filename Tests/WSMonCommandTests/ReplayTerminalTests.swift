import Foundation
import Testing
import WSMonLab

/// `wsmon replay` as a person uses it, in tmux: a record of a lab run played, paused,
/// stepped, sped up, jumped to a close whose handshake the inspector shows, live commands
/// refused, and q giving the terminal back. `wsmon replay --headless` and `wsmon report`
/// read the same record.
@Suite("wsmon replay in a terminal", .serialized)
struct ReplayTerminalTests {
    /// The top row's time cursor ("⏸ 1× 15:04:05.250 +0:01/0:03").
    static func cursor(_ screen: [String]) -> String? {
        guard let top = screen.first, let mark = top.lastIndex(where: { $0 == "⏸" || $0 == "▶" }) else { return nil }
        return String(top[mark...]).trimmingCharacters(in: .whitespaces)
    }

    /// "… +0:06/0:06": the cursor stands at the record's last instant.
    static func isAtEnd(_ cursor: String) -> Bool {
        guard let plus = cursor.lastIndex(of: "+") else { return false }
        let parts = cursor[cursor.index(after: plus)...].split(separator: "/")
        return parts.count == 2 && parts[0] == parts[1]
    }

    static func recordLabRun() async throws -> String {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wsmon-replay-\(UUID().uuidString).jsonl"
        )
        .path
        let result = try await WSMonProcess.run([
            "--headless", "--record", path, "--frames", "--no-reconnect", "--close-timeout", "1s",
            lab.url("/echo?close-after=0.5&code=4000&reason=done"), lab.url("/half-close?after=0.2"),
            lab.url("/double-close"), lab.url("/reject?status=503"),
        ])
        #expect(result.status == 2, "the 503 makes it 2: \(result.stderr)")
        return path
    }

    @Test func aRecordIsPlayedSteppedAndInspected() async throws {
        let path = try await Self.recordLabRun()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let terminal = try TmuxTerminal(width: 120, height: 40)
        defer { terminal.close() }
        try terminal.run("\(WSMonProcess.binary) replay --paused \(path)" + DashboardTerminalTests.afterExit)
        let opened = try await terminal.waitForScreen { screen in
            screen.first?.contains(" 4 sessions") == true && Self.cursor(screen)?.hasPrefix("⏸ 1×") == true
        }
        #expect(opened.matched, "\(opened.screen.text)")
        let start = try #require(Self.cursor(opened.screen))

        // `.` steps one event: the cursor moves, still paused (the first events share a
        // millisecond, so step through a few dozen).
        for _ in 0..<40 { try terminal.press(".") }
        let stepped = try await terminal.waitForScreen {
            Self.cursor($0).map { $0 != start && $0.hasPrefix("⏸") } == true
        }
        #expect(stepped.matched, "\(stepped.screen.text)")

        // `>` speeds up, space plays: the cursor runs.
        try terminal.press(">")
        try terminal.press(">")
        let faster = try await terminal.waitForScreen { Self.cursor($0)?.hasPrefix("⏸ 5×") == true }
        #expect(faster.matched, "\(faster.screen.text)")
        try terminal.press("Space")
        // A short record may be played to its end before the screen is read: then it shows
        // paused at its last instant.
        let playing = try await terminal.waitForScreen { screen in
            guard let cursor = Self.cursor(screen) else { return false }
            return cursor.hasPrefix("▶ 5×") || Self.isAtEnd(cursor)
        }
        #expect(playing.matched, "\(playing.screen.text)")
        try terminal.press("Space")

        // `]` jumps to the selected session's close; the inspector shows the recorded handshake.
        try terminal.press("g")
        try terminal.press("]")
        let inspected = try await terminal.waitForScreen { screen in
            screen.contains { $0.contains("Cause           peer Close 4000") }
                && screen.contains { $0.contains("Closed first by the server: its Close came first") }
                && screen.contains { $0.contains("← Close received  4000") }
                && screen.contains { $0.contains("✂ TCP closed by") }
        }
        #expect(inspected.matched, "\(inspected.screen.text)")

        // Live commands are refused with a message.
        try terminal.press("x")
        let refused = try await terminal.waitForScreen {
            $0.contains { $0.contains("a replay cannot drop a connection") }
        }
        #expect(refused.matched, "\(refused.screen.text)")

        // q gives the terminal back as it was.
        try terminal.press("q")
        let exited = try await DashboardTerminalTests.waitForExit(terminal)
        #expect(DashboardTerminalTests.exitLine(exited) == "EXITED 0", "\(exited.text)")
        #expect(exited.contains { $0.hasPrefix("icanon echo") }, "\(exited.text)")
    }

    @Test func headlessReplayFiltersAndReportSummarises() async throws {
        let path = try await Self.recordLabRun()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let all = try await WSMonProcess.run(["replay", "--headless", path])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.events.contains { $0["event"] as? String == "closed" && $0["cause"] as? String == "peer_close" })
        let one = try await WSMonProcess.run(["replay", "--headless", "--session", "2", path])
        #expect(!one.events.isEmpty && one.events.allSatisfy { $0["session"] as? Int == 2 })
        let none = try await WSMonProcess.run(["replay", "--headless", "--until", "+0s", "--since", "+0s", path])
        #expect(none.events.count < all.events.count)
        let report = try await WSMonProcess.run(["report", path])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("Close causes"))
        #expect(report.stdout.contains("× peer Close 4000"), "\(report.stdout)")
        #expect(report.stdout.contains("× HTTP 503"), "\(report.stdout)")
        let json = try await WSMonProcess.run(["report", "--json", path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["sessions"] as? Int == 4)
        #expect((object["close_causes"] as? [[String: Any]])?.isEmpty == false)

        // A file that is not a record is one clear line and status 65.
        let foreign = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wsmon-foreign-\(UUID().uuidString)"
        ).path
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: foreign))
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        let refused = try await WSMonProcess.run(["replay", "--headless", foreign])
        #expect(refused.status == 65)
        #expect(
            refused.stderr == "wsmon: \(foreign):1: not a wsmon record (its first line is no wsmon-record header)\n"
        )
    }
}
