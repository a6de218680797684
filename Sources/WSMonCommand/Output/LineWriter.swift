import Foundation
import Synchronization

/// Writes lines to one file descriptor (stdout or the record) from a thread of its own, so
/// an event loop never blocks on a slow terminal, a stalled pipe or a full disk.
///
/// Its memory is bounded: once `capacity` bytes wait, `write` answers false and the caller
/// pauses the session that wrote (its socket stops being read, so TCP pushes back on the
/// server) and asks to be resumed with `resumeWhenDrained`; the writer resumes it once a
/// write completed and less than a quarter of the capacity waits. At most `capacity` bytes
/// wait and `capacity` more are being written, plus the line each session wrote before it
/// paused.
final class LineWriter: @unchecked Sendable {
    /// 4 MiB waiting per output (stdout, the record).
    static let capacity = 4 << 20
    /// How long the thread lets a few lines gather before it writes them.
    static let gatherDelay = 0.002

    /// Why the writer stopped writing.
    enum Failure: Equatable, Sendable {
        /// The reader went away (EPIPE: `| head -1` has what it wanted).
        case readerClosed
        /// Any other write error, as `strerror` says it.
        case writeFailed(String)
    }

    /// What the output is, for messages: "stdout" or the record's path.
    let name: String
    /// Written by the writer's thread only (rotation replaces it).
    private var descriptor: Int32
    private let rotation: Rotation?
    /// Bytes in the current file and its part number, for rotation (writer's thread only).
    private var bytesInFile = 0
    private var part = 1
    private let capacity: Int
    private let onFailure: @Sendable (Failure) -> Void
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    /// The size of the chunk the thread is writing now.
    private var writing = 0
    private var waitingToResume: [@Sendable () -> Void] = []
    private var closing = false
    private var finished = false
    private var failure: Failure?
    /// False once the writer drops every line: `writeLast` was called, a write failed or
    /// the writer finished. Changed under `condition`; read without it by callers that
    /// would rather not encode a line nobody takes (a forced exit's flood of frames).
    private let takesLinesNow = Atomic<Bool>(true)
    private var finishWaiters: [CheckedContinuation<Bool, Never>] = []

    /// `onFailure` is called once, from the writer's thread, when a write fails; later lines
    /// are then dropped without pausing anyone.
    init(
        descriptor: Int32,
        name: String,
        capacity: Int = LineWriter.capacity,
        rotation: Rotation? = nil,
        onFailure: @escaping @Sendable (Failure) -> Void
    ) {
        self.descriptor = descriptor
        self.name = name
        self.capacity = capacity
        self.rotation = rotation
        self.onFailure = onFailure
        // A closed pipe must come back as EPIPE, not end the process.
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread { [self] in self.run() }
        thread.name = "wsmon-writer"
        thread.start()
    }

    /// Opens (creating or truncating) a file to record to.
    static func openFile(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw WriterError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    struct WriterError: Error, CustomStringConvertible {
        var description: String
    }

    /// Queues `line`. False when the buffer is full: pause the writer of the line, and
    /// register its resumption with `resumeWhenDrained`.
    func write(_ line: [UInt8]) -> Bool {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.queue(line)
    }

    /// Queues `lines` as the output's last: every line written after them is dropped.
    func writeLast(_ lines: [UInt8]) {
        self.condition.lock()
        defer { self.condition.unlock() }
        _ = self.queue(lines)
        self.takesLinesNow.store(false, ordering: .relaxed)
    }

    /// Whether a line written now could still be written out; a hint, as the next line may
    /// find the writer sealed.
    var takesLines: Bool { self.takesLinesNow.load(ordering: .relaxed) }

    /// With the lock held.
    private func queue(_ line: [UInt8]) -> Bool {
        guard self.takesLinesNow.load(ordering: .relaxed) else { return true }
        let wasEmpty = self.buffer.isEmpty
        self.buffer.append(contentsOf: line)
        if wasEmpty { self.condition.signal() }
        return self.buffer.count < self.capacity
    }

    /// Runs `resume` once the buffer has drained (at once if it already has).
    func resumeWhenDrained(_ resume: @escaping @Sendable () -> Void) {
        self.condition.lock()
        let drained = self.failure != nil || self.buffer.count < self.capacity / 4
        if !drained { self.waitingToResume.append(resume) }
        self.condition.unlock()
        if drained { resume() }
    }

    /// Writes what is queued and stops, waiting at most `limit`. True when everything was
    /// written; false when the output stayed blocked (or `abandon` was called meanwhile).
    func finish(within limit: Duration) async -> Bool {
        self.beginClosing()
        let timeout = Task { [self] in
            try? await Task.sleep(for: limit)
            self.abandon()
        }
        defer { timeout.cancel() }
        return await withCheckedContinuation { continuation in
            self.condition.lock()
            if self.finished {
                let succeeded = self.failure == nil
                self.condition.unlock()
                continuation.resume(returning: succeeded)
            } else {
                self.finishWaiters.append(continuation)
                self.condition.unlock()
            }
        }
    }

    private func beginClosing() {
        self.condition.lock()
        self.closing = true
        self.condition.signal()
        self.condition.unlock()
    }

    /// Stops the waits in `finish` now: they return false at once. A later `finish` waits
    /// again, for its own limit: the cut-short lines a forced exit writes next reach a file
    /// that takes them, whatever a blocked stdout does.
    func abandon() {
        self.condition.lock()
        let waiters = self.finishWaiters
        self.finishWaiters = []
        self.condition.unlock()
        for waiter in waiters { waiter.resume(returning: false) }
    }

    /// Bytes not written yet: waiting, or in a write that has not completed.
    var unwrittenByteCount: Int {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.buffer.count + self.writing
    }

    private func run() {
        var chunk: [UInt8] = []
        while true {
            self.condition.lock()
            while self.buffer.isEmpty && !self.closing { self.condition.wait() }
            if !self.closing && self.buffer.count < self.capacity / 4 {
                // Let lines gather: woken for each line, the thread cost thousands of
                // wake-ups a second (10,000 sessions at 1 message/s each).
                self.condition.unlock()
                Thread.sleep(forTimeInterval: Self.gatherDelay)
                self.condition.lock()
            }
            if self.buffer.isEmpty {
                self.finished = true
                self.takesLinesNow.store(false, ordering: .relaxed)
                let waiters = self.finishWaiters
                self.finishWaiters = []
                let succeeded = self.failure == nil
                self.condition.unlock()
                for waiter in waiters { waiter.resume(returning: succeeded) }
                return
            }
            swap(&chunk, &self.buffer)
            self.writing = chunk.count
            self.condition.unlock()

            let failure = self.rotation == nil ? self.writeAll(chunk[...]) : self.writeRotating(chunk)
            chunk.removeAll(keepingCapacity: true)

            self.condition.lock()
            self.writing = 0
            if let failure, self.failure == nil {
                self.failure = failure
                self.takesLinesNow.store(false, ordering: .relaxed)
            }
            let failed = self.failure != nil
            if failed { self.buffer.removeAll() }
            var resumes: [@Sendable () -> Void] = []
            if failed || self.buffer.count < self.capacity / 4 { swap(&resumes, &self.waitingToResume) }
            self.condition.unlock()
            if let failure { self.onFailure(failure) }
            for resume in resumes { resume() }
        }
    }

    /// `--record-max-size`: once a file would pass `maxSize`, it becomes `PATH.1` (the older
    /// parts move up one, the oldest beyond `keptParts` is removed) and a new file starts
    /// with `firstLines(part)`, so each part replays on its own. Cut at line ends only.
    struct Rotation: Sendable {
        static let keptParts = 9
        var path: String
        var maxSize: Int
        var firstLines: @Sendable (_ part: Int) -> [UInt8]
    }

    private func writeRotating(_ chunk: [UInt8]) -> Failure? {
        guard let rotation = self.rotation else { return self.writeAll(chunk[...]) }
        var rest = chunk[...]
        while !rest.isEmpty {
            let room = rotation.maxSize - self.bytesInFile
            if rest.count <= room {
                self.bytesInFile += rest.count
                return self.writeAll(rest)
            }
            // The whole lines that fit; a file holding only its first lines takes one more
            // line whatever its size, so a long line cannot stop the record.
            let fitting = rest.prefix(max(0, room)).lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }
            let end =
                fitting
                ?? (self.bytesInFile <= self.firstLinesSize
                    ? (rest.firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? rest.endIndex) : rest.startIndex)
            if end > rest.startIndex {
                if let failure = self.writeAll(rest[..<end]) { return failure }
                self.bytesInFile += end - rest.startIndex
                rest = rest[end...]
            }
            if !rest.isEmpty, let failure = self.rotate(rotation) { return failure }
        }
        return nil
    }

    /// Size of the current file's first lines (header and sessions).
    private var firstLinesSize = 0

    private func rotate(_ rotation: Rotation) -> Failure? {
        close(self.descriptor)
        let path = rotation.path
        unlink("\(path).\(Rotation.keptParts)")
        for index in stride(from: Rotation.keptParts - 1, through: 1, by: -1) {
            rename("\(path).\(index)", "\(path).\(index + 1)")
        }
        rename(path, "\(path).1")
        guard let descriptor = try? Self.openFile(path) else {
            return .writeFailed("cannot open \(path) again: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.part += 1
        let first = rotation.firstLines(self.part)
        self.firstLinesSize = first.count
        self.bytesInFile = first.count
        return self.writeAll(first[...])
    }

    private func writeAll(_ bytes: ArraySlice<UInt8>) -> Failure? {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(self.descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                    continue
                }
                if written < 0 && errno == EINTR { continue }
                if written < 0 && errno == EPIPE { return .readerClosed }
                return .writeFailed(written < 0 ? String(cString: strerror(errno)) : "nothing written")
            }
            return nil
        }
    }
}
