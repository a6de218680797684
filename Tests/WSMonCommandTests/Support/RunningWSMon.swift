import Foundation

/// The real `wsmon` binary left running while a test does things to it: stall its stdout,
/// read one line and go away, send it signals, watch its memory. Always stopped by `stop()`
/// (call it in a `defer`).
final class RunningWSMon: @unchecked Sendable {
    enum Stdout {
        /// A pipe nobody reads: once the kernel's 64 KiB are full, every write blocks.
        case stalledPipe
        /// A pipe the test reads with `readLine()` (and may close with `closeReader()`).
        case pipe
        case file(String)
    }

    private let child: ChildProcess
    /// Our end of the stdout pipe (-1 for a file).
    private var reader: Int32 = -1
    let stderrPath = FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-err-\(UUID().uuidString)")
        .path
    private var readBuffer: [UInt8] = []
    /// Where stdout goes, for `.file`.
    let stdoutPath: String?

    /// `launcher` goes before the binary (to run it as another user).
    init(_ arguments: [String], stdout: Stdout, launcher: [String] = [], binary: String = WSMonProcess.binary) throws {
        let output: Int32
        if case .file(let path) = stdout { self.stdoutPath = path } else { self.stdoutPath = nil }
        switch stdout {
        case .stalledPipe, .pipe:
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { throw ChildProcess.SpawnError(description: "pipe: \(errno)") }
            (self.reader, output) = (ends[0], ends[1])
        case .file(let path):
            output = open(path, O_WRONLY)
        }
        let errors = open(self.stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let input = open("/dev/null", O_RDONLY)
        defer { for descriptor in [output, errors, input] { close(descriptor) } }
        self.child = try ChildProcess(launcher + [binary] + arguments, stdin: input, stdout: output, stderr: errors)
    }

    var pid: Int32 { self.child.pid }

    /// A field of /proc/PID/status in KiB: "VmRSS" now, "VmHWM" the peak so far.
    func memoryKiB(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    func send(_ signal: Int32) {
        kill(self.pid, signal)
    }

    /// Reads stdout up to the first newline (`.pipe` only).
    func readLine() -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = self.readBuffer.firstIndex(of: UInt8(ascii: "\n")) {
                defer { self.readBuffer.removeSubrange(...newline) }
                return String(decoding: self.readBuffer[..<newline], as: UTF8.self)
            }
            let count = read(self.reader, &chunk, chunk.count)
            guard count > 0 else { return nil }
            self.readBuffer += chunk[..<count]
        }
    }

    /// Goes away like `head` does once it has its line: the next write gets EPIPE.
    func closeReader() {
        if self.reader >= 0 { close(self.reader) }
        self.reader = -1
    }

    /// The exit status once the process ended within `limit`, else nil (it is left running).
    func waitForExit(within limit: Duration) async -> Int32? {
        await self.child.waitForExit(within: limit)
    }

    var stderr: String { (try? String(contentsOfFile: self.stderrPath, encoding: .utf8)) ?? "" }

    /// Kills the process if it still runs, and lets its stdout go.
    func stop() {
        self.child.stop()
        self.closeReader()
        try? FileManager.default.removeItem(atPath: self.stderrPath)
    }
}
