import WSMonMonitor

/// The Name and URL columns as the table shows them. A session named by its URL (no name
/// given, the default) is shown by what tells it apart: its path and query and the `#N` of
/// `--count`, with the host too only where the same path is used on another host; its URL
/// column shows the scheme, host and port the name leaves out (and when every session is on
/// one of them, the header says it once instead). Sessions given a name keep it, with their
/// full URL.
public struct SessionLabels: Sendable {
    private var names: [Int: String] = [:]
    private var urls: [Int: String] = [:]
    /// The widest name and URL as shown, for the table's column widths.
    public private(set) var widestName = 0
    public private(set) var widestURL = 0
    /// Every session is a URL on this one scheme, host and port: the header says it once
    /// and the table needs no URL column.
    public private(set) var sharedOrigin: String?
    /// The snapshot's session count and last id the labels were made for.
    private var madeFor = (count: -1, lastID: -1)

    public init() {}

    /// Recomputes the labels when the sessions changed (they are only ever added).
    mutating func update(for snapshot: MonitorSnapshot) {
        let key = (snapshot.sessions.count, snapshot.sessions.last?.id ?? 0)
        guard key != self.madeFor else { return }
        self.madeFor = key
        self.names = [:]
        self.urls = [:]
        var derived: [(id: Int, url: DefaultName)] = []
        for row in snapshot.sessions {
            let texts = snapshot.texts(of: row)
            if let name = DefaultName(name: texts.name, url: texts.url) { derived.append((row.id, name)) }
        }
        let origins = Set(derived.map(\.url.origin))
        let oneOrigin = origins.count <= 1
        self.sharedOrigin = derived.count == snapshot.sessions.count && origins.count == 1 ? origins.first : nil
        // The host joins a name only where the same path, query and #N exist on another host.
        var originsByShortName: [String: Set<String>] = [:]
        for (_, name) in derived { originsByShortName[name.short, default: []].insert(name.origin) }
        for (id, name) in derived {
            let clashes = !oneOrigin && (originsByShortName[name.short]?.count ?? 0) > 1
            self.names[id] = clashes ? name.hostAndPort + name.short : name.short
            self.urls[id] = name.origin
        }
        self.widestName = 0
        self.widestURL = 0
        for row in snapshot.sessions {
            let texts = snapshot.texts(of: row)
            self.widestName = max(self.widestName, DisplayWidth.of(SafeText.escaped(self.name(of: row, texts: texts))))
            self.widestURL = max(self.widestURL, DisplayWidth.of(SafeText.escaped(self.url(of: row, texts: texts))))
        }
    }

    public func name(of row: SessionSummary, texts: SessionTexts) -> String { self.names[row.id] ?? texts.name }

    public func url(of row: SessionSummary, texts: SessionTexts) -> String { self.urls[row.id] ?? texts.url }

    /// A name that is the session's URL, with the ` #N` of `--count` if any.
    struct DefaultName {
        var origin: String
        var hostAndPort: String
        var resource: String
        var copy: Int?

        /// The path and query, and the ` #N` of `--count`.
        var short: String { self.resource + (self.copy.map { " #\($0)" } ?? "") }

        init?(name: String, url: String) {
            if name == url {
                self.copy = nil
            } else if name.hasPrefix(url + " #"), let copy = Int(name.dropFirst(url.count + 2)) {
                self.copy = copy
            } else {
                return nil
            }
            guard let schemeEnd = url.range(of: "://") else { return nil }
            let afterScheme = url[schemeEnd.upperBound...]
            let resourceStart = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
            self.origin = String(url[..<resourceStart])
            self.hostAndPort = String(afterScheme[..<resourceStart])
            let resource = afterScheme[resourceStart...]
            self.resource = resource.isEmpty ? "/" : String(resource)
        }
    }
}
