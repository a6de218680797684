import Foundation
import Testing
import WSMonLab

/// Taking messages out of the dashboard in a real terminal (tmux): `y` reaches tmux's
/// paste buffer through OSC 52, `w` writes JSON Lines that parse, and the first Ctrl-C
/// says what is happening.
@Suite("Reading in a terminal", .serialized)
struct ReadingTerminalTests {
    static let message = "copy me: {\"n\":42} 日本語 😀"

    /// wsmon on the lab's echo with one message sent and echoed, the Frames pane focused
    /// on the echo (the newest frame).
    static func echoing(in terminal: TmuxTerminal, lab: ScenarioLab, directory: URL) async throws {
        try terminal.run("cd '\(directory.path)' && \(WSMonProcess.binary) '\(lab.url("/echo"))' --ping-interval 0")
        let open = try await terminal.waitForScreen { $0.contains { $0.contains("● open") && $0.contains("/echo") } }
        #expect(open.matched, "\(open.screen.text)")
        try terminal.press("s")
        try terminal.type(Self.message)
        try terminal.press("Enter")
        try terminal.press("Enter")
        let echoed = try await terminal.waitForScreen { screen in
            screen.contains { $0.contains("┄ frame 2 ") && $0.contains("received") }
        }
        #expect(echoed.matched, "the echo is the frame inspected\n\(echoed.screen.text)")
    }

    @Test func yPutsTheMessageInTmuxsPasteBuffer() async throws {
        let lab = try await ScenarioLab.start(port: 0)
        defer { Task { try? await lab.shutdown() } }
        let terminal = try TmuxTerminal(width: 120, height: 36)
        defer { terminal.close() }
        try terminal.command("set-option", "-g", "set-clipboard", "on")
        try await Self.echoing(in: terminal, lab: lab, directory: FileManager.default.temporaryDirectory)
        try terminal.press("y")
        let noted = try await terminal.waitForScreen {
            $0.contains { $0.contains("copied frame 2 (text, 32 bytes) with OSC 52") }
        }
        #expect(noted.matched, "a note of what and how big\n\(noted.screen.text)")
        var buffer = ""
        let deadline = ContinuousClock.now + .seconds(10)
        while buffer != Self.message && ContinuousClock.now < deadline {
            buffer = (try? terminal.command("show-buffer")) ?? ""
            if buffer != Self.message { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(buffer == Self.message, "tmux's paste buffer holds the message exactly")
        try terminal.press("q")
    }

    @Test func wWritesTheFrameLogAsJSONLinesThatParse() async throws {
        let lab = try await ScenarioLab.start(port: 0)
        defer { Task { try? await lab.shutdown() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-w-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let terminal = try TmuxTerminal(width: 120, height: 36)
        defer { terminal.close() }
        try await Self.echoing(in: terminal, lab: lab, directory: directory)
        try terminal.press("Escape")
        try terminal.press("w")
        let prompt = try await terminal.waitForScreen { $0.contains { $0.contains("write #1's frame log") } }
        #expect(prompt.matched, "\(prompt.screen.text)")
        try terminal.press("Enter")
        let wrote = try await terminal.waitForScreen { $0.contains { $0.contains("wrote #1's frame log") } }
        #expect(wrote.matched, "\(wrote.screen.text)")
        let file = directory.appendingPathComponent("wsmon-1-frames.jsonl")
        let contents = try #require(FileManager.default.contents(atPath: file.path))
        let events = try contents.split(separator: UInt8(ascii: "\n")).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
        #expect(events.contains { $0["event"] as? String == "message_sent" && $0["text"] as? String == Self.message })
        #expect(events.contains { $0["event"] as? String == "message" && $0["text"] as? String == Self.message })
        #expect(events.allSatisfy { $0["session"] as? Int == 1 })
        try terminal.press("q")
    }

    @Test func theSessionSelectedAtStartKeepsTheMessagesThatArriveAtOpen() async throws {
        let lab = try await ScenarioLab.start(port: 0)
        defer { Task { try? await lab.shutdown() } }
        let terminal = try TmuxTerminal(width: 120, height: 36)
        defer { terminal.close() }
        // The echo of the open message arrives at once, before the first snapshot is drawn.
        let welcome = #"{"welcome":"a message longer than the 32-byte frame preview"}"#
        try terminal.run(
            "\(WSMonProcess.binary) '\(lab.url("/echo"))' --ping-interval 0 --send-on-open '\(welcome)'"
        )
        let open = try await terminal.waitForScreen { $0.contains { $0.contains("● open") && $0.contains("/echo") } }
        #expect(open.matched, "\(open.screen.text)")
        try terminal.press("Enter")
        let whole = try await terminal.waitForScreen { screen in
            screen.contains { $0.contains("┄ frame 2 ") } && screen.contains { $0 == " " + welcome }
        }
        #expect(whole.matched, "the echo is shown whole\n\(whole.screen.text)")
        #expect(!whole.screen.contains { $0.contains("came before the session was selected") })
        try terminal.press("q")
    }

    @Test func theFirstCtrlCShowsTheClosingNotice() async throws {
        let lab = try await ScenarioLab.start(port: 0)
        defer { Task { try? await lab.shutdown() } }
        let terminal = try TmuxTerminal(width: 100, height: 30)
        defer { terminal.close() }
        // A server that ignores our Close keeps the session closing until the close timeout.
        try terminal.run("\(WSMonProcess.binary) '\(lab.url("/ignore-close"))' --close-timeout 20s")
        let open = try await terminal.waitForScreen { $0.contains { $0.contains("● open") } }
        #expect(open.matched, "\(open.screen.text)")
        try terminal.press("C-c")
        let notice = try await terminal.waitForScreen {
            $0.contains { $0.contains("closing every session… q or Ctrl-C again quits at once") }
        }
        #expect(notice.matched, "\(notice.screen.text)")
        try terminal.press("C-c")
        let exited = try await terminal.waitForScreen { !$0.contains { $0.contains("Frames │ Close") } }
        #expect(exited.matched, "the second Ctrl-C quits at once\n\(exited.screen.text)")
    }
}
