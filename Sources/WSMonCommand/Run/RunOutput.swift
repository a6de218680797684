import Foundation
import Synchronization
import WSMonClient

/// Where a run's JSON Lines go: stdout with `--headless`, the record with `--record`, each
/// through its own bounded `LineWriter`. A session whose line finds an output full stops
/// reading its socket until that output has drained, so a reader that does not keep up
/// slows the servers down instead of growing wsmon's memory.
final class RunOutput: Sendable {
    /// How much a run may hold back, for `--help` and the README.
    static let boundDescription =
        "each output (stdout, the record) holds at most 4 MiB waiting; when one is full, the sessions that write to it stop reading their sockets until it drains"

    /// Each output with its encoder: stdout gets the JSON Lines table, the record the
    /// complete lines a replay needs.
    private let writers: [(writer: LineWriter, encoder: EventLine)]
    /// The record's first lines (header, sessions), written again at each rotation.
    private let recordStart: RecordStart
    /// Sessions with a connection under way, by id: a forced exit writes a `closed` line
    /// for each (marked `cut_short`), so a record never ends with connections left open.
    private let live = Mutex<[Int: (prefix: EventLine.SessionPrefix, connection: Int)]>([:])

    /// `onFailure` is told which output failed and how (once per output).
    init(
        flags: RunFlags,
        onFailure: @escaping @Sendable (_ output: String, LineWriter.Failure) -> Void
    ) throws {
        var writers: [(writer: LineWriter, encoder: EventLine)] = []
        let encoder = EventLine(
            includeFrames: flags.frames,
            textPreviewLimit: flags.previewLength,
            redaction: flags.redaction
        )
        if flags.headless {
            writers.append((LineWriter(descriptor: STDOUT_FILENO, name: "stdout") { onFailure("stdout", $0) }, encoder))
        }
        let start = RecordStart(frames: flags.frames, redaction: flags.redaction)
        if let path = flags.record {
            let descriptor = try LineWriter.openFile(path)
            let rotation = flags.recordMaxSize.map { maxSize in
                LineWriter.Rotation(path: path, maxSize: maxSize) { part in
                    start.lines(part: part)
                }
            }
            var complete = encoder
            complete.isComplete = true
            let writer = LineWriter(descriptor: descriptor, name: path, rotation: rotation) { onFailure(path, $0) }
            writers.append((writer, complete))
        }
        self.writers = writers
        self.recordStart = start
    }

    /// Writes the record's header and session lines; called once, before sessions start.
    func begin(sessions: [(id: Int, options: SessionOptions)]) {
        let lines = self.recordStart.lines(part: 1, sessions: sessions)
        for (writer, encoder) in self.writers where encoder.isComplete { _ = writer.write(lines) }
    }

    var isEmpty: Bool { self.writers.isEmpty }

    /// Writes `event`'s line; called on `session`'s event loop.
    func write(_ event: SessionEvent, prefix: EventLine.SessionPrefix, from session: Session) {
        let full: UInt8
        switch event.kind {
        case .opened, .closed, .stopped:
            // Under the lock `writeCutShort` holds: a forced exit finds both this line and the
            // connection's entry, or neither, so no record has an open without its closed.
            full = self.live.withLock { live in
                if case .opened = event.kind {
                    live[event.session] = (prefix, event.connection)
                } else {
                    live.removeValue(forKey: event.session)
                }
                return self.queue(event, prefix: prefix)
            }
        default:
            full = self.queue(event, prefix: prefix)
        }
        // Outside the lock: resuming may read the socket, and so write the next lines.
        for (index, (writer, _)) in self.writers.enumerated() where full & (1 << index) != 0 {
            session.setReading(false)
            writer.resumeWhenDrained { session.setReading(true) }
        }
    }

    /// Queues `event`'s line on each output; bit `i` is set when `writers[i]` is now full.
    private func queue(_ event: SessionEvent, prefix: EventLine.SessionPrefix) -> UInt8 {
        var full: UInt8 = 0
        for (index, (writer, encoder)) in self.writers.enumerated() where writer.takesLines {
            guard let line = encoder.encode(event, prefix: prefix), !writer.write(line) else { continue }
            full |= 1 << index
        }
        return full
    }

    /// After a forced exit: a `closed` line, marked as cut short, for every connection that
    /// did not get to end; the writers take no line after them, whatever sessions still say.
    func writeCutShort(at time: Date) {
        self.live.withLock { live in
            let entries = live.sorted { $0.key < $1.key }.map(\.value)
            for (writer, encoder) in self.writers {
                writer.writeLast(
                    entries.flatMap { encoder.cutShort(connection: $0.connection, at: time, prefix: $0.prefix) }
                )
            }
            live.removeAll()
        }
    }

    /// Writes what waits, for at most `limit` in all (the outputs finish side by side, so a
    /// blocked stdout does not take the record's time); returns the outputs left with lines
    /// unwritten, in the order of `writers`.
    func finish(within limit: Duration) async -> [(output: String, bytes: Int)] {
        let finished = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, (writer, _)) in self.writers.enumerated() {
                group.addTask { (index, await writer.finish(within: limit)) }
            }
            var finished = [Bool](repeating: true, count: self.writers.count)
            for await (index, succeeded) in group { finished[index] = succeeded }
            return finished
        }
        return zip(self.writers, finished).compactMap { entry, succeeded in
            let bytes = entry.writer.unwrittenByteCount
            return succeeded || bytes == 0 ? nil : (entry.writer.name, bytes)
        }
    }

    /// Stops the waits for blocked outputs in progress (a second interrupt).
    func abandon() {
        for (writer, _) in self.writers { writer.abandon() }
    }
}
