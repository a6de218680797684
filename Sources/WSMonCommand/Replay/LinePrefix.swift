import WSMonDashboard

/// What indexing needs from a record line, read in place from the fields every event line
/// starts with, in the order wsmon writes them:
/// `{"time":"2026-12-02T15:00:00.123456Z","session":N,"name":"…","connection":N,"event":"…"`.
/// Parsing a gigabyte of JSON to index it would take most of a minute; searching each line
/// for keys took seconds, because `"` is everywhere in JSON.
struct LinePrefix {
    var time: Double
    var session: Int
    /// The event's name, as bytes of the line.
    var event: Range<Int>

    /// Nil when the line does not start that way (a line from another writer, or a
    /// damaged one): the caller decodes it in full, which names what is wrong.
    init?(_ line: UnsafeBufferPointer<UInt8>) {
        var reader = Reader(line: line)
        guard let time = reader.timestamp(), reader.skip(",\"session\":"), let session = reader.integer(),
            reader.skip(",\"name\":\""), reader.skipString(), reader.skip(",\"connection\":"),
            reader.integer() != nil, reader.skip(",\"event\":\""), let event = reader.stringBody()
        else { return nil }
        self.time = time
        self.session = session
        self.event = event
    }

    /// Whether the event ends a connection or an attempt (`closed`, `connect_failed`).
    func endsConnection(in line: UnsafeBufferPointer<UInt8>) -> Bool {
        let name = UnsafeBufferPointer(rebasing: line[self.event])
        return name.elementsEqual("closed".utf8) || name.elementsEqual("connect_failed".utf8)
    }

    /// The `time` a line starts with, alone (the header line has no session).
    static func time(in line: UnsafeBufferPointer<UInt8>) -> Double? {
        var reader = Reader(line: line)
        return reader.timestamp()
    }

    private struct Reader {
        let line: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skip(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard self.index + count <= self.line.count else { return false }
            let matches = literal.withUTF8Buffer { literal in
                UnsafeBufferPointer(rebasing: self.line[self.index..<self.index + count]).elementsEqual(literal)
            }
            if matches { self.index += count }
            return matches
        }

        mutating func digits(_ count: Int) -> Int? {
            guard self.index + count <= self.line.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let digit = Int(self.line[self.index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
                self.index += 1
            }
            return value
        }

        mutating func integer() -> Int? {
            let start = self.index
            var value = 0
            while self.index < self.line.count, case let digit = Int(self.line[self.index]) - 48,
                (0...9).contains(digit)
            {
                value = value * 10 + digit
                self.index += 1
            }
            return self.index > start ? value : nil
        }

        /// Past a string's closing quote (the opening one already read), escapes included.
        mutating func skipString() -> Bool {
            while self.index < self.line.count {
                switch self.line[self.index] {
                case UInt8(ascii: "\\"): self.index += 2
                case UInt8(ascii: "\""):
                    self.index += 1
                    return true
                default: self.index += 1
                }
            }
            return false
        }

        /// A string without escapes (an event name), up to its closing quote.
        mutating func stringBody() -> Range<Int>? {
            let start = self.index
            while self.index < self.line.count, self.line[self.index] != UInt8(ascii: "\"") { self.index += 1 }
            guard self.index < self.line.count else { return nil }
            defer { self.index += 1 }
            return start..<self.index
        }

        /// `{"time":"YYYY-MM-DDTHH:MM:SS[.fraction]Z"`, as seconds since 1970.
        mutating func timestamp() -> Double? {
            guard self.skip("{\"time\":\""), let year = self.digits(4), self.skip("-"), let month = self.digits(2),
                self.skip("-"), let day = self.digits(2), self.skip("T"), let hour = self.digits(2), self.skip(":"),
                let minute = self.digits(2), self.skip(":"), let second = self.digits(2)
            else { return nil }
            var fraction = 0.0
            if self.skip(".") {
                var (value, scale) = (0, 1.0)
                while self.index < self.line.count, case let digit = Int(self.line[self.index]) - 48,
                    (0...9).contains(digit)
                {
                    if scale < 1e9 {
                        value = value * 10 + digit
                        scale *= 10
                    }
                    self.index += 1
                }
                fraction = Double(value) / scale
            }
            guard self.skip("Z\"") else { return nil }
            let days = ReplayTime.daysFromCivil(year: year, month: month, day: day)
            return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        }
    }
}
