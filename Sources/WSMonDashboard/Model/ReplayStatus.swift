/// Where a replay's time cursor is, for the header: the dashboard of `wsmon replay` is the
/// live one plus this (nil live).
public struct ReplayStatus: Hashable, Sendable {
    /// The cursor and the recording's first and last event (seconds since 1970).
    public var time: Double
    public var start: Double
    public var end: Double
    public var speed: Double
    public var isPlaying: Bool
    /// Events applied so far, of all.
    public var position: Int
    public var count: Int
    /// Said once in the footer: a part cut off mid-line, a line that could not be read.
    public var notice: String?

    public init(
        time: Double,
        start: Double,
        end: Double,
        speed: Double,
        isPlaying: Bool,
        position: Int,
        count: Int,
        notice: String? = nil
    ) {
        self.time = time
        self.start = start
        self.end = end
        self.speed = speed
        self.isPlaying = isPlaying
        self.position = position
        self.count = count
        self.notice = notice
    }

    /// Speeds `<` and `>` step through.
    public static let speeds: [Double] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000]
}

/// What a replay's keys ask of the replay (`DashboardRequest.replay`).
public enum ReplayCommand: Hashable, Sendable {
    case playOrPause
    /// One event forward or back.
    case step(forward: Bool)
    case speed(faster: Bool)
    /// To the previous or next close or failed attempt of `session`.
    case jump(session: Int, forward: Bool)
    /// To a time, seconds since 1970.
    case seek(to: Double)
}

/// The times `T` and `--at`, `--since`, `--until` take: `+90s` (after the recording's
/// start), `15:04:05` or `15:04:05.250` (time of day, local), or an ISO 8601 UTC timestamp.
public enum ReplayTime {
    public static let formats = "+90s, +5m (after the start), 15:04:05[.250] (time of day) or 2026-12-02T15:04:05Z"

    public static func parse(_ text: String, start: Double, utcOffsetSeconds: Int) -> Double? {
        let text = text.filter { $0 != " " }
        if text.hasPrefix("+") { return self.duration(text.dropFirst()).map { start + $0 } }
        if text.hasSuffix("Z"), text.contains("T") { return self.iso(text) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        let seconds = parts.count == 3 ? Double(parts[2]) : 0
        guard let seconds, (0..<61).contains(seconds) else { return nil }
        let offset = Double(utcOffsetSeconds)
        let localStart = start + offset
        let day = (localStart / 86_400).rounded(.down) * 86_400
        var local = day + Double(hours * 3600 + minutes * 60) + seconds
        // A time of day before the start is on the next day (a run across midnight).
        if local < localStart - 1 { local += 86_400 }
        return local - offset
    }

    static func duration(_ text: Substring) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (unit, scale) in units where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * scale }
        }
        return Double(text)
    }

    static func iso(_ text: String) -> Double? {
        // 2026-12-02T15:04:05(.fff)Z
        let utf8 = Array(text.utf8)
        guard utf8.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: utf8[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16),
            let second = Double(String(decoding: utf8[17..<(utf8.count - 1)], as: UTF8.self))
        else { return nil }
        return Double(self.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60)
            + second
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
