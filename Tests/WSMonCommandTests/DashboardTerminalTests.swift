import Foundation
import Testing
import WSMonLab

/// The dashboard as a person uses it: `wsmon` in a real terminal (tmux), driven with keys
/// and read off the screen.
@Suite("The dashboard in a terminal", .serialized)
struct DashboardTerminalTests {
    /// After wsmon exits the shell prints its status and whether the terminal is back in
    /// cooked mode with echo (`icanon echo`, not `-icanon -echo`).
    static let afterExit =
        #"; echo "EXITED $?"; stty -a | tr ' ;' '\n\n' | grep -Ex -- '-?(icanon|echo)' | tr '\n' ' '; echo"#

    static let stateLabels = [
        "◌ connecting", "● open", "◑ closing", "◐ half-closed", "◒ awaiting-tcp", "↻ reconnecting", "○ stopped",
    ]

    /// The rows of the sessions table: from the column titles to the tab bar.
    static func tableRows(_ screen: [String]) -> ArraySlice<String> {
        guard let header = screen.firstIndex(where: { $0.contains("Name") && $0.contains("State") }),
            let tabs = screen.firstIndex(where: { $0.hasPrefix("─ Frames") })
        else { return [] }
        return screen[(header + 1)..<tabs]
    }

    /// The text of a right-aligned column (under its title) in `row`.
    static func field(_ title: String, width: Int, in row: String, header: String) -> String? {
        let headerCharacters = Array(header)
        let rowCharacters = Array(row)
        let titleCharacters = Array(title)
        guard
            let start = (0...(headerCharacters.count - titleCharacters.count)).first(where: {
                Array(headerCharacters[$0..<($0 + titleCharacters.count)]) == titleCharacters
            })
        else { return nil }
        let end = start + titleCharacters.count
        guard end <= rowCharacters.count, end - width >= 0 else { return nil }
        return String(rowCharacters[(end - width)..<end]).trimmingCharacters(in: .whitespaces)
    }

    /// "EXITED 0": the shell's report (not the command line, which may wrap there too).
    static func exitLine(_ screen: [String]) -> String? {
        screen.first { line in
            line.hasPrefix("EXITED ") && !line.dropFirst(7).isEmpty && line.dropFirst(7).allSatisfy(\.isNumber)
        }
    }

    /// Waits for the shell's report after wsmon exits: the status line and the modes line.
    static func waitForExit(_ terminal: TmuxTerminal, timeout: Duration = .seconds(30)) async throws -> [String] {
        try await terminal.waitForScreen(timeout: timeout) { screen in
            guard let line = Self.exitLine(screen), let status = screen.firstIndex(of: line) else { return false }
            return screen[(status + 1)...].contains { $0.hasPrefix("icanon") || $0.hasPrefix("-icanon") }
        }.screen
    }

    /// The header's close-code histogram line.
    static func closes(_ screen: [String]) -> String? {
        screen.first { $0.contains("closes ") }
    }

    /// periodic-drop's reconnect count, from its row's Rc column.
    static func reconnects(_ screen: [String]) -> Int? {
        guard let header = screen.first(where: { $0.contains("Name") && $0.contains("Rc") }),
            let row = Self.tableRows(screen).first(where: { $0.contains("periodic-drop") })
        else { return nil }
        return Self.field("Rc", width: 3, in: row, header: header).flatMap { Int($0) }
    }

    @Test func theDemoShowsEveryStateAndAnswersTheKeys() async throws {
        let terminal = try TmuxTerminal(width: 160, height: 72)
        defer { terminal.close() }
        try terminal.run("\(WSMonProcess.binary) demo" + Self.afterExit)

        // Every state appears in the table within a demo cycle.
        var seen = Set<String>()
        let allSeen = try await terminal.waitForScreen(timeout: .seconds(60)) { screen in
            for row in Self.tableRows(screen) {
                for label in Self.stateLabels where row.contains(label) { seen.insert(label) }
            }
            return seen.count == Self.stateLabels.count
        }
        #expect(allSeen.matched, "seen \(seen.sorted()) of \(Self.stateLabels)\n\(allSeen.screen.text)")

        // Close codes and reconnect counts are shown, and they change.
        let before = try terminal.screen()
        let closesBefore = Self.closes(before)
        #expect(closesBefore?.contains("1006×") == true, "\(before.text)")
        let reconnectsBefore = try #require(Self.reconnects(before), "\(before.text)")
        let moved = try await terminal.waitForScreen(timeout: .seconds(30)) { screen in
            Self.closes(screen) != closesBefore && Self.reconnects(screen).map { $0 > reconnectsBefore } == true
        }
        #expect(
            moved.matched,
            "the close code histogram and periodic-drop's reconnects (\(reconnectsBefore)) move\n\(moved.screen.text)"
        )
        #expect(Self.tableRows(moved.screen).contains { $0.contains("periodic-drop") && $0.contains("1006") })

        // Select the echo session and close it with 4000 "bye": the inspector shows that close.
        try terminal.press("/")
        try terminal.type("echo")
        try terminal.press("Enter")
        let selected = try await terminal.waitForScreen { $0.contains { $0.contains("#2 echo + app ping") } }
        #expect(selected.matched, "\(selected.screen.text)")
        try terminal.press("c")
        try terminal.type("1005 nope")
        try terminal.press("Enter")
        let refused = try await terminal.waitForScreen {
            $0.contains { $0.contains("✗ 1005 is reserved for reporting") }
        }
        #expect(refused.matched, "1005 is refused with a message\n\(refused.screen.text)")
        for _ in 0..<"1005 nope".count { try terminal.press("BSpace") }
        try terminal.type("4000 bye")
        try terminal.press("Enter")
        let inspected = try await terminal.waitForScreen { screen in
            screen.contains { $0.contains("Closed first by wsmon: our Close came first") }
                && screen.contains { $0.contains("We sent         4000 application “bye”") }
                && screen.contains { $0.contains("→ Close sent      4000 application “bye”") }
                && screen.contains { $0.contains("✂ TCP closed by") }
        }
        #expect(inspected.matched, "\(inspected.screen.text)")
        try terminal.press("Escape")

        // A small terminal keeps the layout: title, column titles, tab bar and key hints.
        try terminal.resize(width: 80, height: 24)
        let small = try await terminal.waitForScreen { screen in
            screen.count == 24 && screen[0].hasPrefix(" wsmon  24 sessions") && screen[3].contains("Name")
                && screen[3].contains("State") && screen.contains { $0.hasPrefix("─ Frames │ Close") }
                && screen[23].contains("select")
        }
        #expect(small.matched, "\(small.screen.text)")
        try terminal.resize(width: 160, height: 72)
        let large = try await terminal.waitForScreen { $0.count == 72 && $0[3].contains("URL") }
        #expect(large.matched, "\(large.screen.text)")

        // q closes every session and exits; the terminal is as it was.
        try terminal.press("q")
        let exited = try await Self.waitForExit(terminal)
        #expect(Self.exitLine(exited) == "EXITED 2", "the demo's 401 and 503 make it 2\n\(exited.text)")
        #expect(exited.contains { $0.hasPrefix("icanon echo") }, "\(exited.text)")
        #expect(!exited.contains { $0.contains("wsmon  24 sessions") }, "the dashboard's screen is gone")
    }

    @Test func ctrlCClosesGracefullyAndACrashStillRestoresTheTerminal() async throws {
        let lab = try await ScenarioLab.start(port: 0)
        defer { lab.stop() }
        let terminal = try TmuxTerminal(width: 100, height: 30)
        defer { terminal.close() }
        let command = "\(WSMonProcess.binary) '\(lab.url("/feed?rate=5&size=16"))'"

        try terminal.run(command + Self.afterExit)
        let open = try await terminal.waitForScreen {
            $0.contains { $0.contains("● open") && $0.contains("1 session") == false }
        }
        #expect(open.matched, "\(open.screen.text)")
        try terminal.press("C-c")
        let interrupted = try await Self.waitForExit(terminal)
        #expect(Self.exitLine(interrupted) == "EXITED 0", "a clean 1001 close\n\(interrupted.text)")
        #expect(interrupted.contains { $0.hasPrefix("icanon echo") }, "\(interrupted.text)")

        try terminal.run("clear")
        try terminal.run("SWIFT_BACKTRACE=enable=no " + command + Self.afterExit)
        let running = try await terminal.waitForScreen { $0.contains { $0.contains("● open") } }
        #expect(running.matched, "\(running.screen.text)")
        let pid = try #require(try terminal.foregroundPID())
        kill(pid, SIGSEGV)
        let crashed = try await Self.waitForExit(terminal)
        #expect(Self.exitLine(crashed) == "EXITED 139", "killed by SIGSEGV\n\(crashed.text)")
        #expect(crashed.contains { $0.hasPrefix("icanon echo") }, "modes restored\n\(crashed.text)")
        // Only the crash guard's reset sequence takes the terminal out of the alternate screen.
        #expect(!crashed.contains { $0.contains("Frames │ Close") }, "left the alternate screen\n\(crashed.text)")
    }
}
