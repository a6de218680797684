import Foundation
import WSMonClient
import WSMonCore
import WSMonDashboard

/// A record opened for replay: its parts read through once to index their event lines in
/// time order, each line read again and decoded only when the cursor reaches it (`pread`,
/// so a gigabyte of record is not held in memory, nor mapped into it). The index holds
/// what seeking and jumping need: time, session, whether it ends a connection or an attempt.
final class Recording: @unchecked Sendable {
    struct Line {
        /// The cursor's time at this line: the latest stamp so far. Lines stay in the order
        /// they were written, which is the order the monitor saw them (an open is stamped
        /// with the time of the read that brought it, a little before events emitted first).
        var time: Double
        var offset: UInt32
        var length: UInt32
        var session: Int32
        var part: UInt8
        var endsConnection: Bool
    }

    /// One file of the record, open for reading.
    final class Part: @unchecked Sendable {
        let path: String
        let descriptor: Int32
        let size: Int
        var number = 1

        init(path: String) throws(Problem) {
            self.path = path
            self.descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard self.descriptor >= 0 else {
                throw Problem(description: "\(path): cannot read: \(String(cString: strerror(errno)))")
            }
            var status = stat()
            guard fstat(self.descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
                close(self.descriptor)
                throw Problem(description: "\(path): cannot read: not a file")
            }
            self.size = Int(status.st_size)
            guard self.size < Int(UInt32.max) else {
                close(self.descriptor)
                throw Problem(description: "\(path): larger than 4 GiB; record with --record-max-size")
            }
        }

        deinit { close(self.descriptor) }

        /// `count` bytes from `offset` (fewer at the end of the file).
        func read(_ count: Int, at offset: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            bytes.withUnsafeMutableBytes { buffer in
                while done < count {
                    let got = pread(self.descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                    if got > 0 {
                        done += got
                    } else if got < 0 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
            }
            if done < count { bytes.removeLast(count - done) }
            return bytes
        }

        /// Calls `body` with each line from `offset` (its offset, its bytes without the
        /// newline), reading a few megabytes at a time, until `body` returns false; returns
        /// the offset of a last line that has no newline (cut off), if any.
        func forEachLine(from offset: Int, _ body: (Int, UnsafeBufferPointer<UInt8>) -> Bool) -> Int? {
            let chunkSize = 8 << 20
            var chunkStart = offset
            var carried: [UInt8] = []
            while chunkStart < self.size {
                let chunk = carried + self.read(min(chunkSize, self.size - chunkStart), at: chunkStart)
                let base = chunkStart - carried.count
                var keepGoing = true
                let consumed = chunk.withUnsafeBufferPointer { bytes -> Int in
                    var start = 0
                    while keepGoing, let newline = Recording.firstNewline(in: bytes, from: start) {
                        keepGoing = body(base + start, UnsafeBufferPointer(rebasing: bytes[start..<newline]))
                        start = newline + 1
                    }
                    return start
                }
                guard keepGoing else { return nil }
                chunkStart += chunk.count - carried.count
                carried = Array(chunk[consumed...])
            }
            return carried.isEmpty ? nil : self.size - carried.count
        }
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
        for path in paths {
            let part = try Part(path: path)
            let (header, sessions, firstEvent) = try Self.readStart(of: part)
            part.number = header.optionalInteger("part") ?? 1
            opened.append((part, header, sessions, firstEvent))
        }
        opened.sort { $0.part.number < $1.part.number }
        guard let first = opened.first else { throw Problem(description: "no record given") }
        self.frames = first.header.optionalBool("frames") ?? false
        var sessions: [Int: SessionOptions] = [:]
        for part in opened { for (id, options) in part.sessions where sessions[id] == nil { sessions[id] = options } }
        self.sessions = sessions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.headerTime = first.part.read(64, at: 0).withUnsafeBufferPointer { LinePrefix.time(in: $0) } ?? 0
        var lines: [Line] = []
        var notices: [String] = []
        for (index, part) in opened.enumerated() {
            if let notice = Self.index(part.part, number: UInt8(clamping: index), from: part.firstEvent, into: &lines) {
                notices.append(notice)
            }
        }
        self.parts = opened.map(\.part)
        self.lines = lines
        self.notices = notices
    }

    /// The header line and the session lines after it; the offset of the first event line.
    private static func readStart(of part: Part) throws(Problem) -> (RecordFields, [(Int, SessionOptions)], Int) {
        let path = part.path
        guard part.size > 0 else { throw Problem(description: "\(path): empty file, not a wsmon record") }
        var number = 0
        var header: RecordFields?
        var sessions: [(Int, SessionOptions)] = []
        var firstEvent = part.size
        var problem: Problem?
        _ = part.forEachLine(from: 0) { offset, line in
            number += 1
            let fields = try? Self.fields(line)
            if number == 1 {
                guard let fields, fields.optionalText("event") == "record",
                    fields.optionalText("format") == RecordHeader.format
                else {
                    problem = Problem(
                        description: "\(path):1: not a wsmon record (its first line is no wsmon-record header)"
                    )
                    return false
                }
                let version = fields.optionalInteger("version")
                guard version == RecordHeader.version else {
                    let found = version.map(String.init) ?? "missing"
                    problem = Problem(
                        description:
                            "\(path):1: record format version \(found); this wsmon reads version \(RecordHeader.version)"
                    )
                    return false
                }
                header = fields
                return true
            }
            guard let fields, fields.optionalText("event") == "session" else {
                firstEvent = offset
                return false
            }
            do { sessions.append(try RecordHeader.options(from: fields)) } catch {
                problem = Problem(description: "\(path):\(number): session line: \(error)")
                return false
            }
            return true
        }
        if let problem { throw problem }
        guard let header else {
            throw Problem(description: "\(path):1: not a wsmon record (its first line is no wsmon-record header)")
        }
        return (header, sessions, firstEvent)
    }

    static func fields(_ line: UnsafeBufferPointer<UInt8>) throws -> RecordFields {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: line))
        guard let dictionary = object as? [String: Any] else {
            throw RecordedValues.Unreadable(description: "not a JSON object")
        }
        return RecordFields(object: dictionary)
    }

    /// Indexes the event lines of `part` from `offset`; a notice when it ends mid-line.
    private static func index(_ part: Part, number: UInt8, from offset: Int, into lines: inout [Line]) -> String? {
        var lineNumber = Self.lineNumber(in: part, before: offset)
        let cut = part.forEachLine(from: offset) { start, line in
            lineNumber += 1
            // A line that does not start as wsmon writes them is decoded in full when the
            // cursor reaches it, and that names what is wrong with it.
            let prefix = LinePrefix(line)
            lines.append(
                Line(
                    time: max(prefix?.time ?? LinePrefix.time(in: line) ?? 0, lines.last?.time ?? 0),
                    offset: UInt32(start),
                    length: UInt32(line.count),
                    session: Int32(clamping: prefix?.session ?? 0),
                    part: number,
                    endsConnection: prefix?.endsConnection(in: line) ?? false
                )
            )
            return true
        }
        guard cut != nil else { return nil }
        return
            "\(part.path): line \(lineNumber + 1) is cut off (the record ends mid-line); replayed up to line \(lineNumber)"
    }

    private static func lineNumber(in part: Part, before offset: Int) -> Int {
        var count = 0
        _ = part.forEachLine(from: 0) { start, _ in
            guard start < offset else { return false }
            count += 1
            return true
        }
        return count
    }

    static func firstNewline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// The bytes of line `index`, as recorded.
    func bytes(of index: Int) -> [UInt8] {
        let line = self.lines[index]
        return self.parts[Int(line.part)].read(Int(line.length), at: Int(line.offset))
    }

    /// Where line `index` is, for errors: "FILE:N" (counted when asked: errors are rare).
    func place(of index: Int) -> String {
        let line = self.lines[index]
        let part = self.parts[Int(line.part)]
        return "\(part.path):\(Self.lineNumber(in: part, before: Int(line.offset)) + 1)"
    }

    /// Line `index` as the event it records, or a problem naming its file and line.
    func event(at index: Int) throws(Problem) -> SessionEvent? {
        let bytes = self.bytes(of: index)
        do {
            let (fields, time) = try bytes.withUnsafeBufferPointer { line in
                (try Self.fields(line), LinePrefix.time(in: line) ?? self.lines[index].time)
            }
            return try RecordDecoder.event(from: fields, time: time)
        } catch let error as RecordedValues.Unreadable {
            throw Problem(description: "\(self.place(of: index)): \(error)")
        } catch {
            throw Problem(description: "\(self.place(of: index)): not a JSON object (every record line is one)")
        }
    }
}
