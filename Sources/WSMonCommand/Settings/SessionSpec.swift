import WSMonClient

/// One line of work: a URL, its options, and how many identical sessions to run.
struct SessionSpec: Sendable {
    var options: SessionOptions
    var count: Int

    init(url: String, settings: SessionSettings) throws(SettingsError) {
        self.options = try settings.makeOptions(url: url, name: settings.name)
        self.count = settings.count ?? 1
    }

    init(options: SessionOptions, count: Int = 1) {
        self.options = options
        self.count = count
    }
}
