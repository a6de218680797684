import CNcursesw
import CTerminalGuard
import Glibc

/// The real terminal, through ncursesw: wide characters, 8/256/direct colour, keys and
/// resize. Created by the dashboard's thread and used only there. Closing it (or a crash,
/// see CTerminalGuard) puts the terminal back as it was.
final class NcursesTerminal: TerminalScreen {
    struct OpenError: Error, CustomStringConvertible {
        var description: String
    }

    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    let colorDepth: ColorDepth
    private var attributes: [attr_t] = Array(repeating: 0, count: CellStyle.count)
    private var pairs: [Int32] = Array(repeating: 0, count: CellStyle.count)
    private var pairNumbers: [PairKey: Int32] = [:]
    private var wideBuffer: [wchar_t] = []
    private var isClosed = false

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    init(environment: [String: String]) throws(OpenError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw OpenError(
                description: "the dashboard needs a terminal on stdin and stdout; use --headless for JSON Lines"
            )
        }
        setlocale(LC_ALL, "")
        if wsmon_codeset_is_utf8() == 0 { setlocale(LC_CTYPE, "C.UTF-8") }
        wsmon_guard_save_modes(STDOUT_FILENO)
        guard let screen = newterm(nil, wsmon_stdout(), wsmon_stdin()) else {
            throw OpenError(description: "cannot open the terminal (TERM=\(environment["TERM"] ?? "unset"))")
        }
        self.screen = screen
        self.window = wsmon_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(self.window, true)
        set_escdelay(25)
        curs_set(0)
        var depth = ColorDepth.monochrome
        if has_colors() {
            start_color()
            use_default_colors()
            depth = ColorDepth(colors: Int(wsmon_colors()), colorTerm: environment["COLORTERM"])
        }
        self.colorDepth = depth
        let reset = ["rmcup", "cnorm", "sgr0", "rmkx"].compactMap { name in
            name.withCString { wsmon_terminfo_string($0).map { String(cString: $0) } }
        }
        wsmon_guard_install(STDOUT_FILENO, reset.joined())
    }

    var size: (width: Int, height: Int) { (Int(wsmon_cols()), Int(wsmon_lines())) }

    /// Resolves every cell style of `theme` to attributes and a colour pair. Pairs are
    /// numbered afresh for each theme (the screen is then redrawn), so cycling themes never
    /// runs out of the 64 pairs an 8-colour terminal has.
    func use(_ theme: Theme) {
        self.pairNumbers.removeAll()
        for index in 0..<CellStyle.count {
            let cellStyle = CellStyle(index: index)
            let style = theme.style(for: cellStyle.role, selected: cellStyle.selected)
            self.attributes[index] = self.attributes(of: style.attributes)
            self.pairs[index] = self.pair(
                foreground: style.foreground.map(self.colorDepth.terminalColor) ?? -1,
                background: style.background.map(self.colorDepth.terminalColor) ?? -1
            )
        }
    }

    private func attributes(of attributes: Attributes) -> attr_t {
        var result: attr_t = 0
        if attributes.contains(.bold) { result |= wsmon_attr_bold() }
        if attributes.contains(.dim) { result |= wsmon_attr_dim() }
        if attributes.contains(.italic) { result |= wsmon_attr_italic() }
        if attributes.contains(.underline) { result |= wsmon_attr_underline() }
        if attributes.contains(.reverse) { result |= wsmon_attr_reverse() }
        return result
    }

    private func pair(foreground: Int32, background: Int32) -> Int32 {
        guard self.colorDepth != .monochrome, foreground != -1 || background != -1 else { return 0 }
        let key = PairKey(foreground: foreground, background: background)
        if let number = self.pairNumbers[key] { return number }
        let number = Int32(self.pairNumbers.count + 1)
        guard number < wsmon_color_pairs(), init_extended_pair(number, foreground, background) == OK else { return 0 }
        self.pairNumbers[key] = number
        return number
    }

    // MARK: TerminalScreen

    func write(row: Int, column: Int, scalars: [UInt32], style: Int) {
        wsmon_set_style(self.window, self.attributes[style], self.pairs[style])
        self.wideBuffer.removeAll(keepingCapacity: true)
        for scalar in scalars { self.wideBuffer.append(wchar_t(bitPattern: scalar)) }
        self.wideBuffer.append(0)
        _ = mvwaddnwstr(self.window, Int32(row), Int32(column), self.wideBuffer, Int32(scalars.count))
    }

    func clearScreen() {
        werase(self.window)
        clearok(self.window, true)
    }

    func present() {
        wnoutrefresh(self.window)
        doupdate()
    }

    /// Sets the terminal's clipboard with OSC 52 (xterm, tmux with `set-clipboard on`,
    /// kitty, iTerm2…), after what ncurses has written: the text goes base64-encoded, so no
    /// byte of it can be taken for a control sequence.
    func copyToClipboard(base64: String) {
        let output = wsmon_stdout()
        fflush(output)
        fputs("\u{1B}]52;c;" + base64 + "\u{07}", output)
        fflush(output)
    }

    // MARK: Input

    /// Waits up to `milliseconds` for input; nil when none came.
    func read(waitingUpTo milliseconds: Int) -> DashboardInput? {
        wtimeout(self.window, Int32(max(0, milliseconds)))
        var character: wint_t = 0
        let result = wget_wch(self.window, &character)
        if result == KEY_CODE_YES { return self.functionKey(Int32(character)) }
        guard result == OK, let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
        switch scalar.value {
        case 0x0A, 0x0D: return .key(.enter)
        case 0x09: return .key(.tab)
        case 0x1B: return .key(.escape)
        case 0x7F, 0x08: return .key(.backspace)
        case 0x03: return .key(.interrupt)
        case 0x0C: return .redraw
        case 0x00..<0x20: return nil
        default: return .key(.character(Character(scalar)))
        }
    }

    private func functionKey(_ code: Int32) -> DashboardInput? {
        switch code {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_RESIZE:
            let size = self.size
            return .resize(width: size.width, height: size.height)
        default: return nil
        }
    }

    /// Ends curses mode and puts the terminal back.
    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        endwin()
        delscreen(self.screen)
        wsmon_guard_remove()
    }

    deinit {
        self.close()
    }
}
