/// Every key of the dashboard in one table, as htop's `Action_setBindings`: the table
/// decides what a key does (`DashboardModel.handle`), which hints the footer shows for
/// the focus, what the help overlay lists and what the README's key list says (a test
/// checks it), so none of them can drift from the others.
public enum KeyBindings {
    /// Where a key applies: the sessions table, the focused Frames pane, or the focused
    /// pane of another tab.
    public enum Context: Hashable, Sendable, CaseIterable {
        case table, framesPane, otherPane
    }

    /// A live run, or `wsmon replay` (whose keys move a time cursor instead of commanding
    /// sessions).
    public enum Mode: Hashable, Sendable, CaseIterable {
        case live, replay
    }

    public enum Action: Hashable, Sendable {
        case playOrPause, stepBack, stepForward, slower, faster, previousClose, nextClose, goToTime
        case up, down, pageUp, pageDown, first, last
        case focus, back, nextTab, previousTab
        case send, close, ping, reconnect, drop
        case pause, filter, sort, reverse, theme, help, quit
        case olderHandshake, newerHandshake
        case search, nextMatch, previousMatch, hideControl, direction, wrap, left, right, prettyJSON
        case copy, write
    }

    public struct Binding: Sendable {
        public var keys: [Key]
        /// The keys as the help and README show them.
        public var label: String
        /// The footer's short form, key and word; nil when the footer leaves it out.
        public var hint: (key: String, word: String)?
        public var help: String
        public var contexts: Set<Context>
        public var modes: Set<Mode>
        /// What each of `keys` does, in the same order (one action for all when it has one).
        public var actions: [Action]

        init(
            keys: [Key],
            label: String,
            hint: (key: String, word: String)?,
            help: String,
            contexts: Set<Context>,
            modes: Set<Mode> = KeyBindings.both,
            actions: [Action]
        ) {
            precondition(actions.count == 1 || actions.count == keys.count, "an action per key, or one for all")
            self.keys = keys
            self.label = label
            self.hint = hint
            self.help = help
            self.contexts = contexts
            self.modes = modes
            self.actions = actions
        }

        func action(forKeyAt index: Int) -> Action { self.actions.count == 1 ? self.actions[0] : self.actions[index] }
    }

    static let everywhere = Set(Context.allCases)
    static let both = Set(Mode.allCases)
    static let panes: Set<Context> = [.framesPane, .otherPane]

    /// In order of importance: the footer shows the first hints that fit.
    public static let all: [Binding] = [
        Binding(
            keys: [.character(" ")],
            label: "space",
            hint: ("␣", "play"),
            help: "play or pause the replay",
            contexts: everywhere,
            modes: [.replay],
            actions: [.playOrPause]
        ),
        Binding(
            keys: [.character(","), .character(".")],
            label: ", .",
            hint: (",.", "step"),
            help: "one event back or forward (and pause)",
            contexts: everywhere,
            modes: [.replay],
            actions: [.stepBack, .stepForward]
        ),
        Binding(
            keys: [.character("<"), .character(">")],
            label: "< >",
            hint: ("<>", "speed"),
            help: "slower or faster, 0.1× to 1000×",
            contexts: everywhere,
            modes: [.replay],
            actions: [.slower, .faster]
        ),
        Binding(
            keys: [.character("["), .character("]")],
            label: "[ ]",
            hint: ("[ ]", "close"),
            help: "to the selected session's previous or next close or failed attempt (and pause)",
            contexts: everywhere,
            modes: [.replay],
            actions: [.previousClose, .nextClose]
        ),
        Binding(
            keys: [.character("T")],
            label: "T",
            hint: ("T", "time"),
            help: "go to a time: \(ReplayTime.formats)",
            contexts: everywhere,
            modes: [.replay],
            actions: [.goToTime]
        ),
        Binding(
            keys: [.up, .down, .character("k"), .character("j")],
            label: "↑ ↓  k j",
            hint: ("↑↓", "select"),
            help: "select a session",
            contexts: [.table],
            actions: [.up, .down, .up, .down]
        ),
        Binding(
            keys: [.up, .down, .character("k"), .character("j")],
            label: "↑ ↓  k j",
            hint: ("↑↓", "frame"),
            help: "pick a frame; the lower half shows it whole",
            contexts: [.framesPane],
            actions: [.up, .down, .up, .down]
        ),
        Binding(
            keys: [.up, .down, .character("k"), .character("j")],
            label: "↑ ↓  k j",
            hint: ("↑↓", "scroll"),
            help: "scroll the pane",
            contexts: [.otherPane],
            actions: [.up, .down, .up, .down]
        ),
        Binding(
            keys: [.pageUp, .pageDown],
            label: "PgUp PgDn",
            hint: nil,
            help: "a page of sessions, or of the pane",
            contexts: [.table, .otherPane],
            actions: [.pageUp, .pageDown]
        ),
        Binding(
            keys: [.pageUp, .pageDown],
            label: "PgUp PgDn",
            hint: ("PgUp/PgDn", "scroll"),
            help: "scroll the frame shown below",
            contexts: [.framesPane],
            actions: [.pageUp, .pageDown]
        ),
        Binding(
            keys: [.home, .character("g"), .end, .character("G")],
            label: "g G  Home End",
            hint: nil,
            help: "first or last (G: follow the newest frame)",
            contexts: everywhere,
            actions: [.first, .first, .last, .last]
        ),
        Binding(
            keys: [.enter],
            label: "Enter",
            hint: ("⏎", "detail"),
            help: "focus the detail pane",
            contexts: [.table],
            actions: [.focus]
        ),
        Binding(
            keys: [.escape, .enter],
            label: "Esc  Enter",
            hint: ("Esc", "back"),
            help: "back to the table",
            contexts: panes,
            actions: [.back]
        ),
        Binding(
            keys: [.escape],
            label: "Esc",
            hint: nil,
            help: "clear the filter",
            contexts: [.table],
            actions: [.back]
        ),
        Binding(
            keys: [.tab, .backTab],
            label: "Tab  Shift-Tab",
            hint: ("⇥", "tab"),
            help: "next or previous tab: Frames, Close, Headers, Reconnects, Storm",
            contexts: everywhere,
            actions: [.nextTab, .previousTab]
        ),
        Binding(
            keys: [.character("/")],
            label: "/",
            hint: ("/", "search"),
            help: "search the frames (text and hex); n N next and previous match",
            contexts: [.framesPane],
            actions: [.search]
        ),
        Binding(
            keys: [.character("n"), .character("N")],
            label: "n N",
            hint: ("n/N", "match"),
            help: "next or previous frame that matches the search",
            contexts: [.framesPane],
            actions: [.nextMatch, .previousMatch]
        ),
        Binding(
            keys: [.character("h")],
            label: "h",
            hint: ("h", "hide pings"),
            help: "hide or show ping, pong and close frames",
            contexts: [.framesPane],
            actions: [.hideControl]
        ),
        Binding(
            keys: [.character("d")],
            label: "d",
            hint: ("d", "direction"),
            help: "show frames in both directions, received only, or sent only",
            contexts: [.framesPane],
            actions: [.direction]
        ),
        Binding(
            keys: [.character("W")],
            label: "W",
            hint: ("W", "wrap"),
            help: "wrap long lines of the frame shown, or cut them (then ← → scroll sideways)",
            contexts: [.framesPane],
            actions: [.wrap]
        ),
        Binding(
            keys: [.left, .right],
            label: "← →",
            hint: nil,
            help: "scroll a cut frame sideways",
            contexts: [.framesPane],
            actions: [.left, .right]
        ),
        Binding(
            keys: [.character("J")],
            label: "J",
            hint: ("J", "json"),
            help: "pretty-print JSON messages",
            contexts: [.framesPane],
            actions: [.prettyJSON]
        ),
        Binding(
            keys: [.character("y")],
            label: "y",
            hint: ("y", "copy"),
            help: "copy the message to the clipboard (OSC 52: the terminal must allow it)",
            contexts: [.framesPane],
            actions: [.copy]
        ),
        Binding(
            keys: [.character("w")],
            label: "w",
            hint: ("w", "write"),
            help: "write the message to a file, as a JSON Lines line",
            contexts: [.framesPane],
            actions: [.write]
        ),
        Binding(
            keys: [.character("s")],
            label: "s",
            hint: ("s", "send"),
            help: "send a message: text, or hex:0a0b… for binary",
            contexts: everywhere,
            modes: [.live],
            actions: [.send]
        ),
        Binding(
            keys: [.character("c")],
            label: "c",
            hint: ("c", "close"),
            help: "close with a code and reason, e.g. 4000 bye (empty: 1000)",
            contexts: everywhere,
            modes: [.live],
            actions: [.close]
        ),
        Binding(
            keys: [.character("p")],
            label: "p",
            hint: ("p", "ping"),
            help: "send a ping",
            contexts: everywhere,
            modes: [.live],
            actions: [.ping]
        ),
        Binding(
            keys: [.character("r")],
            label: "r",
            hint: ("r", "reconnect"),
            help: "reconnect now (a stopped session starts again)",
            contexts: everywhere,
            modes: [.live],
            actions: [.reconnect]
        ),
        Binding(
            keys: [.character("x")],
            label: "x",
            hint: ("x", "drop"),
            help: "drop the TCP connection without a Close",
            contexts: everywhere,
            modes: [.live],
            actions: [.drop]
        ),
        Binding(
            keys: [.character("/")],
            label: "/",
            hint: ("/", "filter"),
            help: "filter sessions as you type: name, URL, state, close code, reason, error; state:half",
            contexts: [.table, .otherPane],
            actions: [.filter]
        ),
        Binding(
            keys: [.character("o")],
            label: "o",
            hint: ("o", "sort"),
            help: "sort by the next column (from the top of the new order)",
            contexts: [.table],
            actions: [.sort]
        ),
        Binding(
            keys: [.character("O")],
            label: "O",
            hint: nil,
            help: "reverse the sort",
            contexts: [.table],
            actions: [.reverse]
        ),
        Binding(
            keys: [.character("w")],
            label: "w",
            hint: ("w", "write log"),
            help: "write the session's frame log to a file, as JSON Lines",
            contexts: [.table, .otherPane],
            actions: [.write]
        ),
        Binding(
            keys: [.character(" ")],
            label: "space",
            hint: ("␣", "pause"),
            help: "pause or resume the frame log",
            contexts: everywhere,
            modes: [.live],
            actions: [.pause]
        ),
        Binding(
            keys: [.character("["), .character("]")],
            label: "[ ]",
            hint: ("[ ]", "handshake"),
            help: "older or newer close handshake in the Close tab",
            contexts: everywhere,
            modes: [.live],
            actions: [.olderHandshake, .newerHandshake]
        ),
        Binding(
            keys: [.character("t")],
            label: "t",
            hint: ("t", "theme"),
            help: "next theme",
            contexts: everywhere,
            actions: [.theme]
        ),
        Binding(
            keys: [.character("?")],
            label: "?",
            hint: ("?", "help"),
            help: "this help (↑ ↓ scroll it)",
            contexts: everywhere,
            actions: [.help]
        ),
        Binding(
            keys: [.character("q"), .interrupt],
            label: "q  Ctrl-C",
            hint: ("q", "quit"),
            help: "close every session (1001) and quit once their handshakes end; again: quit at once",
            contexts: everywhere,
            actions: [.quit]
        ),
    ]

    /// What `key` does in `context`, if anything.
    static func action(for key: Key, in context: Context, mode: Mode = .live) -> Action? {
        for binding in self.all where binding.contexts.contains(context) && binding.modes.contains(mode) {
            if let index = binding.keys.firstIndex(of: key) { return binding.action(forKeyAt: index) }
        }
        return nil
    }

    /// The footer's hints in `context`, in the table's order.
    static func hints(in context: Context, mode: Mode = .live) -> [(key: String, word: String)] {
        self.all.filter { $0.contexts.contains(context) && $0.modes.contains(mode) }.compactMap(\.hint)
    }

    /// Sections for the help and the README: a title and the bindings that belong to it.
    static var sections: [(title: String, bindings: [Binding])] {
        let live = self.all.filter { $0.modes.contains(.live) }
        return [
            ("Everywhere", live.filter { $0.contexts == self.everywhere }),
            ("Sessions table", live.filter { $0.contexts.contains(.table) && $0.contexts != self.everywhere }),
            (
                "Frames pane (Enter on the Frames tab)",
                live.filter { $0.contexts.contains(.framesPane) && $0.contexts != self.everywhere }
            ),
            (
                "Other tabs' pane",
                live.filter {
                    $0.contexts.contains(.otherPane) && !$0.contexts.contains(.table)
                        && !$0.contexts.contains(.framesPane)
                }
            ),
            ("Replay (wsmon replay; s c p r x are refused there)", self.all.filter { $0.modes == [.replay] }),
        ]
    }

    /// The README's key list, generated from the table.
    public static var markdown: String {
        var lines: [String] = []
        for (title, bindings) in self.sections where !bindings.isEmpty {
            lines.append("| \(title) | |")
            lines.append("|---|---|")
            for binding in bindings { lines.append("| `\(binding.label)` | \(binding.help) |") }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
