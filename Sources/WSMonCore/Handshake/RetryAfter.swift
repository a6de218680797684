/// A Retry-After header value (RFC 9110 §10.2.3): a delay in seconds or an HTTP date.
/// The core reads no clock, so a date stays a date; the client turns it into a delay.
public enum RetryAfter: Hashable, Sendable {
    case seconds(Int)
    /// Seconds since 1970-01-01T00:00:00Z.
    case date(secondsSince1970: Int64)

    public init?(headerValue: String) {
        let value = headerValue.trimmingASCIIWhitespace
        if !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            self = .seconds(Int(value.prefix(9)) ?? Int.max)
            return
        }
        guard let date = HTTPDate.parse(value) else { return nil }
        self = .date(secondsSince1970: date)
    }

    /// The delay this value asks for, given the current time.
    public func delay(nowSecondsSince1970 now: Int64) -> Int {
        switch self {
        case .seconds(let seconds): return seconds
        case .date(let date): return Int(clamping: max(0, date - now))
        }
    }
}

/// The three HTTP date formats a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate
/// ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and
/// asctime ("Sun Nov  6 08:49:37 1994").
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Int64? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        switch words.count {
        case 6 where words[5] == "GMT":
            return self.make(day: words[1], month: words[2], year: Int(words[3]), time: words[4])
        case 4 where words[3] == "GMT":
            let dateParts = words[1].split(separator: "-").map(String.init)
            guard dateParts.count == 3, var year = Int(dateParts[2]) else { return nil }
            if dateParts[2].count == 2 { year += year < 70 ? 2000 : 1900 }
            return self.make(day: dateParts[0], month: dateParts[1], year: year, time: words[2])
        case 5:
            return self.make(day: words[2], month: words[1], year: Int(words[4]), time: words[3])
        default:
            return nil
        }
    }

    private static func make(day: String, month: String, year: Int?, time: String) -> Int64? {
        guard let year, let day = Int(day), (1...31).contains(day),
            let monthIndex = self.months.firstIndex(of: month.lowercasedASCII)
        else { return nil }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        let days = self.daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return days * 86400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }
}
