import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// One table of key bindings drives the keys, the footer, the help and the README.
@Suite("Key bindings")
struct KeyBindingTests {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    @Test func theReadmeListsExactlyTheKeysOfTheTable() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        #expect(
            text.contains(KeyBindings.markdown),
            "README.md's key list differs from KeyBindings; it should read:\n\(KeyBindings.markdown)"
        )
    }

    @Test func noKeyIsBoundTwiceInOneContext() {
        for mode in KeyBindings.Mode.allCases {
            for context in KeyBindings.Context.allCases {
                var seen: [Key: String] = [:]
                for binding in KeyBindings.all where binding.contexts.contains(context) && binding.modes.contains(mode)
                {
                    for key in binding.keys {
                        #expect(
                            seen[key] == nil,
                            "\(key) in \(context), \(mode): \(seen[key] ?? "") and \(binding.label)"
                        )
                        seen[key] = binding.label
                    }
                }
            }
        }
    }

    static let replay = ReplayStatus(
        time: SnapshotFixture.now,
        start: SnapshotFixture.now - 60,
        end: SnapshotFixture.now + 60,
        speed: 1,
        isPlaying: false,
        position: 10,
        count: 20
    )

    @Test func aReplaysKeysMoveItsCursorAndLiveCommandsAreRefused() {
        var model = KeyTests.model()
        model.replay = Self.replay
        let footer = SnapshotFixture.render(model).lines[23]
        #expect(footer.contains("␣ play") && !footer.contains("s send"), "\(footer)")
        #expect(model.handle(.character(" ")) == [.replay(.playOrPause)])
        #expect(model.handle(.character(".")) == [.replay(.step(forward: true))])
        #expect(model.handle(.character(",")) == [.replay(.step(forward: false))])
        #expect(model.handle(.character(">")) == [.replay(.speed(faster: true))])
        let selected = model.selectedID ?? 0
        #expect(model.handle(.character("]")) == [.replay(.jump(session: selected, forward: true))])
        #expect(model.tab == .close, "a jump to a close shows the close inspector")
        for (key, verb) in [
            ("s", "send"), ("c", "close"), ("p", "ping"), ("r", "reconnect"), ("x", "drop a connection"),
        ] {
            #expect(model.handle(.character(Character(key))) == [])
            #expect(model.status?.text == "a replay cannot \(verb): it shows what was recorded")
            #expect(model.prompt == nil)
        }
        _ = model.handle(.character("T"))
        for character in "+30s" { _ = model.handle(.character(character)) }
        #expect(model.handle(.enter) == [.replay(.seek(to: Self.replay.start + 30))])
    }

    @Test func theFooterShowsTheKeysOfTheFocusedPane() {
        var model = KeyTests.model()
        var footer = SnapshotFixture.render(model).lines[23]
        #expect(footer.hasPrefix(" ↑↓ select  ⏎ detail  ⇥ tab"), "\(footer)")
        #expect(footer.hasSuffix("? help"), "help is always there: \(footer)")
        _ = model.handle(.enter)
        footer = SnapshotFixture.render(model).lines[23]
        #expect(footer.hasPrefix(" ↑↓ frame  PgUp/PgDn scroll  Esc back  ⇥ tab  / search"), "\(footer)")
        #expect(footer.hasSuffix("? help"))
        model.setStatus("theme: default")
        footer = SnapshotFixture.render(model).lines[23]
        #expect(footer.hasSuffix("? help"), "a status does not push help out: \(footer)")
    }

    @Test func everyBindingDoesSomethingInEachOfItsContexts() {
        // Some key of each binding changes the model or asks for something there.
        for binding in KeyBindings.all {
            for context in binding.contexts {
                let acted = binding.keys.contains { key in
                    var model = KeyTests.model()
                    if !binding.modes.contains(.live) { model.replay = Self.replay }
                    switch context {
                    case .table: model.setFilter("t")
                    case .framesPane: _ = model.handle(.enter)
                    case .otherPane:
                        _ = model.handle(.enter)
                        _ = model.handle(.tab)
                    }
                    let before = model
                    let requests = model.handle(key)
                    return !requests.isEmpty || model.prompt != before.prompt || model.showsHelp
                        || model.focus != before.focus || model.tab != before.tab || model.status != before.status
                        || model.frameCursor != before.frameCursor || model.frameView != before.frameView
                        || model.timelineBack != before.timelineBack || model.detailScroll != before.detailScroll
                        || model.selectedID != before.selectedID || model.frozenDetail != before.frozenDetail
                        || !model.outputs.isEmpty || model.order != before.order
                        || model.themeIndex != before.themeIndex || model.filter != before.filter
                }
                #expect(acted, "\(binding.label) in \(context) did nothing")
            }
        }
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func theHelpFitsTheTerminalAndScrolls(width: Int, height: Int) {
        var model = KeyTests.model()
        model.resize(width: width, height: height)
        _ = model.handle(.character("?"))
        var grid = SnapshotFixture.render(model)
        let box = grid.lines.filter { $0.contains("│") }
        for line in box {
            let right = line.lastIndex(of: "│")!
            #expect(line[line.index(before: right)] == " " || line[line.index(before: right)] != "…")
        }
        #expect(grid.lines.contains { $0.contains("the 60 s peak") } || grid.lines.joined().contains("↑ ↓ scroll"))
        if height == 24 {
            #expect(grid.lines.joined().contains("lines 1–20 of"), "the help says it scrolls")
            _ = model.handle(.end)
            grid = SnapshotFixture.render(model)
            let text = grid.lines.joined(separator: "\n")
            #expect(text.contains("finished: no more connections"), "the last lines are reachable:\n\(text)")
            #expect(model.showsHelp, "scrolling keys keep it open")
        }
        let all = HelpOverlay.lines(themeName: "default", stats: DrawStats()).map { $0.map(\.text).joined() }
        for column in SessionColumn.allCases {
            #expect(all.contains { $0.hasPrefix(column.title + " ") && $0.contains(column.meaning) }, "\(column)")
        }
        _ = model.handle(.escape)
        #expect(!model.showsHelp)
    }
}
