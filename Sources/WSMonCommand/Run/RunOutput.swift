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
    /// Sessions with a connection under way, by id, and whether a forced exit has sealed
    /// the outputs. Lines are queued under its lock, so none can follow the cut-short ones.
    private let state = Mutex(State())
    /// The same seal, read without the lock to skip encoding once sealed.
    private let sealed = Atomic<Bool>(false)

    private struct State {
        /// A forced exit writes a `closed` line for each (marked `cut_short`), so a record
        /// never ends with connections left open.
        var live: [Int: (prefix: EventLine.SessionPrefix, connection: Int)] = [:]
        /// Set by a forced exit: the cut-short lines are the last, whatever sessions still say.
        var sealed = false
    }

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
        guard !self.sealed.load(ordering: .relaxed) else { return }
        switch event.kind {
        case .opened:
            self.state.withLock { $0.live[event.session] = (prefix, event.connection) }
        case .closed, .stopped:
            _ = self.state.withLock { $0.live.removeValue(forKey: event.session) }
        default:
            break
        }
        for (writer, encoder) in self.writers {
            guard let line = encoder.encode(event, prefix: prefix) else { continue }
            let taken = self.state.withLock { state in state.sealed || writer.write(line) }
            guard !taken else { continue }
            session.setReading(false)
            writer.resumeWhenDrained { session.setReading(true) }
        }
    }

    /// After a forced exit: a `closed` line, marked as cut short, for every connection that
    /// did not get to end.
    func writeCutShort(at time: Date) {
        self.sealed.store(true, ordering: .relaxed)
        self.state.withLock { state in
            state.sealed = true
            for (_, entry) in state.live.sorted(by: { $0.key < $1.key }) {
                for (writer, encoder) in self.writers {
                    _ = writer.write(encoder.cutShort(connection: entry.connection, at: time, prefix: entry.prefix))
                }
            }
            state.live.removeAll()
        }
    }

    /// Writes what waits, for at most `limit`; returns the outputs left with lines unwritten.
    func finish(within limit: Duration) async -> [(output: String, bytes: Int)] {
        var unwritten: [(String, Int)] = []
        for (writer, _) in self.writers where await !writer.finish(within: limit) {
            let bytes = writer.unwrittenByteCount
            if bytes > 0 { unwritten.append((writer.name, bytes)) }
        }
        return unwritten
    }

    /// Stops the waits for blocked outputs in progress (a second interrupt).
    func abandon() {
        for (writer, _) in self.writers { writer.abandon() }
    }
}
