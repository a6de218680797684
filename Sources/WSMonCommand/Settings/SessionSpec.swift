import WSMonClient
import WSMonCore

/// One line of work: a URL, its options, and how many identical sessions to run.
struct SessionSpec: Sendable {
    var options: SessionOptions
    var count: Int

    init(options: SessionOptions, count: Int = 1) {
        self.options = options
        self.count = count
    }

    /// The sessions `values` describe (the layers merged) for `url`.
    init(url: WebSocketURL, values: SettingValues) throws(SettingError) {
        self.init(options: SessionOptions(url: url))
        for row in SettingTable.session {
            guard let entry = values.entries[row.key] else { continue }
            row.apply(entry.value, to: &self)
        }
        try self.applyInterval(values)
    }

    /// The interval message and its interval: each needs the other.
    private mutating func applyInterval(_ values: SettingValues) throws(SettingError) {
        let (message, interval) = (SettingTable.intervalMessage, SettingTable.interval)
        switch (values[message], values[interval]) {
        case (let text?, let every?):
            self.options.intervalMessage = (text, every)
        case (nil, nil):
            break
        case (_?, nil):
            throw Self.missing(interval, besides: message, in: values)
        case (nil, _?):
            throw Self.missing(message, besides: interval, in: values)
        }
    }

    private static func missing(
        _ missing: any SettingRow,
        besides given: any SettingRow,
        in values: SettingValues
    ) -> SettingError {
        guard let source = values.source(of: given) else { preconditionFailure("\(given.key) has a value") }
        return SettingError(source: source, message: "needs \(source.name(of: missing))")
    }
}
