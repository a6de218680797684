/// What a piece of the screen is, so that a theme can colour it. Raw values are the theme
/// file's keys: `[state] open = …` styles `state.open`.
public enum Role: String, CaseIterable, Hashable, Sendable {
    case stateWaiting = "state.waiting"
    case stateConnecting = "state.connecting"
    case stateOpen = "state.open"
    case stateClosing = "state.closing"
    case stateHalfClosed = "state.half-closed"
    case stateClosedAwaitingTransport = "state.closed-awaiting-transport"
    case stateReconnecting = "state.reconnecting"
    case stateStopped = "state.stopped"
    /// Open, but no message within `--stale-after`.
    case stateStale = "state.stale"

    case frameIn = "frame.in"
    case frameOut = "frame.out"
    case frameControl = "frame.control"

    case closeClean = "close.clean"
    case closeUnclean = "close.unclean"

    case violation = "alert.violation"
    case error = "alert.error"
    case warning = "alert.warning"

    /// Ordinary text.
    case text = "chrome.text"
    /// Secondary text: units, labels, hints.
    case dim = "chrome.dim"
    case title = "chrome.title"
    case border = "chrome.border"
    case tableHeader = "chrome.table-header"
    /// Added over the selected row's own styles (usually a background).
    case selected = "chrome.selected"
    case tab = "chrome.tab"
    case tabActive = "chrome.tab-active"
    case footer = "chrome.footer"
    case key = "chrome.key"
    case prompt = "chrome.prompt"
    case sparkline = "chrome.sparkline"
    /// Control characters and escapes shown in place of raw peer bytes.
    case escaped = "chrome.escaped"

    /// The theme file's section and key.
    public var section: Substring { self.rawValue.prefix { $0 != "." } }
    public var key: Substring { self.rawValue.drop { $0 != "." }.dropFirst() }
}
