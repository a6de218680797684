import Foundation
import WSMonClient
import WSMonCore
import WSMonDashboard

/// A record opened for replay: its parts mapped into memory (not read into it) and an index
/// of its event lines in time order, each line decoded only when the cursor reaches it.
/// The index holds what seeking and jumping need: time, session, whether it ends a
/// connection or an attempt.
final class Recording: @unchecked Sendable {
    struct Line {
        var time: Double
        var offset: UInt32
        var length: UInt32
        var session: Int32
        var part: UInt8
        var endsConnection: Bool
    }

    struct Part {
        var path: String
        var data: Data
        var number: Int
    }

    /// A file that cannot be replayed, or the line that cannot be: one sentence naming both.
    struct Problem: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    let parts: [Part]
    let sessions: [(id: Int, options: SessionOptions)]
    let frames: Bool
    let lines: [Line]
    /// Said when a part ends mid-line: the replay stops at its last whole line.
    let notices: [String]

    var start: Double { self.lines.first?.time ?? self.headerTime }
    var end: Double { self.lines.last?.time ?? self.headerTime }
    /// When the record began: the sessions were registered then.
    let headerTime: Double

    /// Opens `paths` (a record and its rotated parts, in any order).
    init(paths: [String]) throws(Problem) {
        var opened: [(part: Part, header: RecordFields, sessions: [(Int, SessionOptions)], firstEvent: Int)] = []
        var notices: [String] = []
        for path in paths {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
                throw Problem(description: "\(path): cannot read: \(Self.reason(error))")
            }
            guard data.count < Int(UInt32.max) else {
                throw Problem(description: "\(path): larger than 4 GiB; record with --record-max-size")
            }
            let (header, sessions, firstEvent) = try Self.readStart(of: data, path: path)
            let number = header.optionalInteger("part") ?? 1
            opened.append((Part(path: path, data: data, number: number), header, sessions, firstEvent))
        }
        opened.sort { $0.part.number < $1.part.number }
        guard let first = opened.first else { throw Problem(description: "no record given") }
        self.frames = first.header.optionalBool("frames") ?? false
        var sessions: [Int: SessionOptions] = [:]
        for part in opened { for (id, options) in part.sessions where sessions[id] == nil { sessions[id] = options } }
        self.sessions = sessions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.headerTime = (try? Self.time(of: first.part.data, at: 0)) ?? 0
        var lines: [Line] = []
        for (index, part) in opened.enumerated() {
            if let notice = Self.index(part.part, number: UInt8(clamping: index), from: part.firstEvent, into: &lines) {
                notices.append(notice)
            }
        }
        // Lines of one loop are in order; several loops may interleave a little.
        if zip(lines, lines.dropFirst()).contains(where: { $0.time > $1.time }) {
            lines = lines.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
                .map(\.element)
        }
        self.parts = opened.map(\.part)
        self.lines = lines
        self.notices = notices
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError { return posix.localizedDescription }
        return nsError.localizedDescription
    }

    /// The header line and the session lines after it; the offset of the first event line.
    private static func readStart(
        of data: Data,
        path: String
    ) throws(Problem) -> (RecordFields, [(Int, SessionOptions)], Int) {
        guard !data.isEmpty else { throw Problem(description: "\(path): empty file, not a wsmon record") }
        var offset = 0
        var number = 0
        var header: RecordFields?
        var sessions: [(Int, SessionOptions)] = []
        while offset < data.count {
            guard let end = data[offset...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            number += 1
            let fields = try? self.fields(data, offset..<end)
            if number == 1 {
                guard let fields, fields.optionalText("event") == "record",
                    fields.optionalText("format") == RecordHeader.format
                else {
                    throw Problem(
                        description: "\(path):1: not a wsmon record (its first line is no wsmon-record header)"
                    )
                }
                let version = fields.optionalInteger("version")
                guard version == RecordHeader.version else {
                    throw Problem(
                        description:
                            "\(path):1: record format version \(version.map(String.init) ?? "missing"); this wsmon reads version \(RecordHeader.version)"
                    )
                }
                header = fields
            } else if let fields, fields.optionalText("event") == "session" {
                do { sessions.append(try RecordHeader.options(from: fields)) } catch {
                    throw Problem(description: "\(path):\(number): session line: \(error)")
                }
            } else {
                break
            }
            offset = end + 1
        }
        guard let header else {
            throw Problem(description: "\(path):1: not a wsmon record (its first line is cut off)")
        }
        return (header, sessions, offset)
    }

    static func fields(_ data: Data, _ range: Range<Int>) throws -> RecordFields {
        let object = try JSONSerialization.jsonObject(with: data.subdata(in: range))
        guard let dictionary = object as? [String: Any] else {
            throw RecordedValues.Unreadable(description: "not a JSON object")
        }
        return RecordFields(object: dictionary)
    }

    /// Indexes the event lines of `part` from `offset`; a notice when it ends mid-line.
    private static func index(_ part: Part, number: UInt8, from offset: Int, into lines: inout [Line]) -> String? {
        let data = part.data
        var lineNumber = Self.lineNumber(of: data, before: offset)
        return data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> String? in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var start = offset
            while start < bytes.count {
                lineNumber += 1
                guard let newline = Self.firstNewline(in: bytes, from: start) else {
                    return
                        "\(part.path): line \(lineNumber) is cut off (the record ends mid-line); replayed up to line \(lineNumber - 1)"
                }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<newline])
                lines.append(
                    Line(
                        time: Self.time(in: line) ?? lines.last?.time ?? 0,
                        offset: UInt32(start),
                        length: UInt32(newline - start),
                        session: Int32(clamping: Self.integer(after: "\"session\":", in: line) ?? 0),
                        part: number,
                        endsConnection: Self.contains("\"event\":\"closed\"", in: line)
                            || Self.contains("\"event\":\"connect_failed\"", in: line)
                    )
                )
                start = newline + 1
            }
            return nil
        }
    }

    private static func lineNumber(of data: Data, before offset: Int) -> Int {
        data[..<offset].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    private static func firstNewline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    private static func contains(_ needle: StaticString, in line: UnsafeBufferPointer<UInt8>) -> Bool {
        needle.withUTF8Buffer { needle in
            guard let base = line.baseAddress, line.count >= needle.count else { return false }
            return memmem(base, line.count, needle.baseAddress, needle.count) != nil
        }
    }

    private static func integer(after key: StaticString, in line: UnsafeBufferPointer<UInt8>) -> Int? {
        key.withUTF8Buffer { key -> Int? in
            guard let base = line.baseAddress, let found = memmem(base, line.count, key.baseAddress, key.count) else {
                return nil
            }
            var index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found)) + key.count
            var value = 0
            var digits = 0
            while index < line.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[index]) {
                value = value * 10 + Int(line[index] - UInt8(ascii: "0"))
                index += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
    }

    private static func time(of data: Data, at offset: Int) throws -> Double {
        try data.withUnsafeBytes { buffer in
            let bytes = buffer.bindMemory(to: UInt8.self)
            guard let time = Self.time(in: UnsafeBufferPointer(rebasing: bytes[offset...])) else {
                throw Problem(description: "no time")
            }
            return time
        }
    }

    /// The `time` a line starts with (`{"time":"2026-12-02T15:00:00.123456Z"`), read in
    /// place: parsing a billion bytes of JSON to index them would take most of a minute.
    static func time(in line: UnsafeBufferPointer<UInt8>) -> Double? {
        let prefix = Array("{\"time\":\"".utf8)
        guard line.count >= prefix.count + 20, line.starts(with: prefix) else { return nil }
        var index = prefix.count
        func number(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard index < line.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[index]) else {
                    return nil
                }
                value = value * 10 + Int(line[index] - UInt8(ascii: "0"))
                index += 1
            }
            index += 1  // the separator after it
            return value
        }
        guard let year = number(4), let month = number(2), let day = number(2), let hour = number(2),
            let minute = number(2), let second = number(2)
        else { return nil }
        index -= 1  // back to what follows the seconds: "." or "Z"
        var fraction = 0.0
        if index < line.count, line[index] == UInt8(ascii: ".") {
            index += 1
            var (digits, scale) = (0, 1.0)
            while index < line.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[index]), scale < 1e9 {
                digits = digits * 10 + Int(line[index] - UInt8(ascii: "0"))
                scale *= 10
                index += 1
            }
            fraction = Double(digits) / scale
        }
        let days = ReplayTime.daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
    }

    /// The bytes of line `index`, as recorded.
    func bytes(of index: Int) -> Data {
        let line = self.lines[index]
        let start = Int(line.offset)
        return self.parts[Int(line.part)].data.subdata(in: start..<(start + Int(line.length)))
    }

    /// Where line `index` is, for errors: "FILE:N" (counted when asked: errors are rare).
    func place(of index: Int) -> String {
        let line = self.lines[index]
        let part = self.parts[Int(line.part)]
        return "\(part.path):\(Self.lineNumber(of: part.data, before: Int(line.offset)) + 1)"
    }

    /// Line `index` as the event it records, or a problem naming its file and line.
    func event(at index: Int) throws(Problem) -> SessionEvent? {
        let line = self.lines[index]
        let start = Int(line.offset)
        let data = self.parts[Int(line.part)].data
        do {
            let fields = try Self.fields(data, start..<(start + Int(line.length)))
            return try RecordDecoder.event(from: fields, time: line.time)
        } catch let error as RecordedValues.Unreadable {
            throw Problem(description: "\(self.place(of: index)): \(error)")
        } catch {
            throw Problem(description: "\(self.place(of: index)): not a JSON object (every record line is one)")
        }
    }
}
