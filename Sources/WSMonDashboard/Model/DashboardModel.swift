import WSMonClient
import WSMonMonitor

/// Everything the screen shows and how the user has arranged it: the latest snapshot,
/// selection, sort, filter, focus, tab, prompt. The loop owns one; keys change it and
/// return what the program around must do; the views draw it.
public struct DashboardModel: Sendable {
    public enum Focus: Hashable, Sendable {
        case table
        case detail
    }

    public enum DetailTab: Int, CaseIterable, Hashable, Sendable {
        case frames, close, headers, reconnects, storm

        public var title: String {
            switch self {
            case .frames: return "Frames"
            case .close: return "Close"
            case .headers: return "Headers"
            case .reconnects: return "Reconnects"
            case .storm: return "Storm"
            }
        }
    }

    /// A short message in the footer: what a key did, or why it could not.
    public struct Status: Hashable, Sendable {
        public var text: String
        public var isError: Bool
        /// Snapshot time it was set (seconds since 1970); it fades after a few seconds.
        public var since: Double
    }

    public private(set) var snapshot: MonitorSnapshot
    public private(set) var list: SessionList
    public private(set) var width: Int
    public private(set) var height: Int

    public var selectedID: Int?
    public var tableTop = 0
    public private(set) var order = SortOrder()
    public private(set) var filter = SessionFilter("")
    public var focus = Focus.table
    public var tab = DetailTab.frames {
        didSet { if self.tab == .storm && oldValue != .storm { self.refreshStormView() } }
    }
    /// The storm tab's: every session's, or the filtered sessions' alone (merged once per
    /// snapshot or filter while the tab is shown, not at every frame).
    public private(set) var stormView = StormView(storm: StormStats(), rejectionStatuses: [:], failures: [:])
    /// The selected frame by its number (see `MessageLogEntry.frameNumber`); nil follows
    /// the newest frame.
    public var frameCursor: Int?
    /// First line shown in the close, headers and reconnects tabs.
    public var detailScroll = 0
    /// Which close handshake the inspector shows, counted back from the latest (0).
    public var timelineBack = 0
    /// The frame log as it was when paused (space); nil when live.
    public var frozenDetail: SessionDetail?
    public var prettyJSON = false
    /// Which frames the log shows, the search, and how the inspector lays out a frame.
    public var frameView = FrameLogView()
    public var prompt: Prompt?
    public var showsHelp = false
    /// First line of the help shown (it scrolls when the terminal is short).
    public var helpScroll = 0
    public var status: Status?
    /// q or Ctrl-C was pressed once: sessions are closing; a second one forces.
    public var isQuitting = false
    /// What the loop must do at the terminal or on disk for the keys just handled.
    public var outputs: [DashboardOutput] = []
    /// Names and URLs as the table shows them (see `SessionLabels`).
    public private(set) var labels = SessionLabels()
    public let themeNames: [String]
    public var themeIndex: Int
    public var drawStats = DrawStats()
    /// The time cursor of `wsmon replay`; nil in a live run.
    public var replay: ReplayStatus?
    /// The local time's offset from UTC, for times typed at `T`.
    public var utcOffsetSeconds = 0
    /// The last refused command already shown, so each is shown once.
    private var lastRefusalShown: Double = 0

    public init(snapshot: MonitorSnapshot, width: Int, height: Int, themeNames: [String], themeIndex: Int) {
        self.snapshot = snapshot
        self.labels.update(for: snapshot)
        self.list = SessionList(snapshot, filter: SessionFilter(""), order: SortOrder(), labels: self.labels)
        self.width = width
        self.height = height
        self.themeNames = themeNames
        self.themeIndex = themeIndex
        self.selectedID = self.list.rows.first?.id
    }

    // MARK: Inputs

    public mutating func update(_ snapshot: MonitorSnapshot) {
        self.snapshot = snapshot
        self.rebuildList()
        if let detail = self.detail, let refusal = detail.refusedCommands.last, refusal.time > self.lastRefusalShown {
            self.lastRefusalShown = refusal.time
            self.setStatus("refused: \(refusal.reason)", isError: true)
        }
        if let status = self.status, snapshot.time - status.since > 6 { self.status = nil }
    }

    public mutating func resize(width: Int, height: Int) {
        self.width = width
        self.height = height
        self.keepSelectionVisible()
    }

    /// A new order is read from its top: the first row is selected (keeping the selection
    /// would scroll to it and hide the rows the sort put first).
    mutating func setOrder(_ order: SortOrder) {
        self.order = order
        self.rebuildList()
        if let first = self.list.rows.first?.id, first != self.selectedID {
            self.selectedID = first
            self.selectionChanged()
        }
        self.tableTop = 0
    }

    mutating func setFilter(_ text: String) {
        self.filter = SessionFilter(text)
        self.tableTop = 0
        self.rebuildList()
    }

    private mutating func rebuildList() {
        self.labels.update(for: self.snapshot)
        self.list = SessionList(self.snapshot, filter: self.filter, order: self.order, labels: self.labels)
        self.refreshStormView()
        if self.list.index(of: self.selectedID) == nil {
            let previous = self.selectedID
            self.selectedID = self.list.rows.first?.id
            if previous != self.selectedID { self.selectionChanged() }
        }
        self.keepSelectionVisible()
    }

    private mutating func refreshStormView() {
        guard self.tab == .storm else { return }
        self.stormView = self.filter.isEmpty ? self.snapshot.totals.stormView : StormView(merging: self.list.rows)
    }

    mutating func setStatus(_ text: String, isError: Bool = false) {
        self.status = Status(text: text, isError: isError, since: self.snapshot.time)
    }

    // MARK: Derived

    /// The session the detail pane is about, as the snapshot has it.
    public var selected: SessionSummary? {
        self.list.index(of: self.selectedID).map { self.list.rows[$0] }
    }

    public var selectedTexts: SessionTexts? { self.selected.map(self.snapshot.texts(of:)) }

    /// The selected session's detail, once the monitor has published it.
    public var detail: SessionDetail? {
        guard let detail = self.snapshot.detail, detail.summary.id == self.selectedID else { return nil }
        return detail
    }

    /// The frames tab's detail: frozen while paused.
    public var frameLogDetail: SessionDetail? { self.frozenDetail ?? self.detail }

    public var layout: Layout { Layout(width: self.width, height: self.height, focus: self.focus) }

    /// Where keys apply now (see `KeyBindings`).
    public var context: KeyBindings.Context {
        switch self.focus {
        case .table: return .table
        case .detail: return self.tab == .frames ? .framesPane : .otherPane
        }
    }

    /// The first Ctrl-C (a signal, not a key): the same notice as q.
    public mutating func noteInterrupt() {
        self.startQuitting()
    }

    mutating func startQuitting() {
        guard !self.isQuitting else { return }
        self.isQuitting = true
        self.status = nil
    }

    mutating func selectionChanged() {
        self.frameCursor = nil
        self.frameView.selectionChanged()
        self.detailScroll = 0
        self.timelineBack = 0
        self.frozenDetail = nil
    }

    mutating func keepSelectionVisible() {
        let visible = max(1, self.layout.tableRows.count)
        let count = self.list.rows.count
        self.tableTop = min(self.tableTop, max(0, count - visible))
        guard let index = self.list.index(of: self.selectedID) else { return }
        if index < self.tableTop { self.tableTop = index }
        if index >= self.tableTop + visible { self.tableTop = index - visible + 1 }
    }
}
