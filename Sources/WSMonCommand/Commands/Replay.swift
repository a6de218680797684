import ArgumentParser
import Foundation
import NIOPosix
import WSMonDashboard

/// `wsmon replay FILE…`: a record (`--record`) in the dashboard, on a time cursor, or its
/// lines to stdout with --headless.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a record (--record FILE) in the dashboard, or print its lines with --headless.",
        discussion: "Times (--at, --since, --until, and T in the dashboard): \(ReplayTime.formats)."
    )

    @Argument(help: "The record and its rotated parts (FILE FILE.1 …), in any order.", completion: .file())
    var files: [String]

    @Option(help: ArgumentHelp("Start the dashboard at this time.", valueName: "time"))
    var at: String?

    @Flag(help: "Start paused.")
    var paused = false

    @Flag(help: "Print the record's JSON lines to stdout instead of opening the dashboard.")
    var headless = false

    @Option(
        help: ArgumentHelp("With --headless: only this session, by number or name (repeatable).", valueName: "session")
    )
    var session: [String] = []

    @Option(help: ArgumentHelp("With --headless: only lines at or after this time.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("With --headless: only lines at or before this time.", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Dashboard theme, as for a live run.", valueName: "name|path"))
    var theme: String?

    func validate() throws {
        guard !self.files.isEmpty else { throw ValidationError("give the record to replay") }
        if !self.headless && (!self.session.isEmpty || self.since != nil || self.until != nil) {
            throw ValidationError("--session, --since and --until go with --headless")
        }
    }

    func run() async throws {
        let recording: Recording
        do { recording = try Recording(paths: self.files) } catch {
            throw Self.failure(error.description)
        }
        if self.headless { throw try self.printLines(of: recording) }
        throw try await self.showDashboard(recording)
    }

    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("wsmon: \(message)\n".utf8))
        return ExitCode(ExitStatus.badRecord.rawValue)
    }

    private func time(_ text: String?, option: String, in recording: Recording) throws -> Double? {
        guard let text else { return nil }
        guard let time = ReplayTime.parse(text, start: recording.start, utcOffsetSeconds: Dashboard.localUTCOffset())
        else {
            throw Launch.usageFailure("\(option) \(text): give a time such as \(ReplayTime.formats)")
        }
        return time
    }

    /// The lines in the window and of the sessions asked for, as recorded; each is checked,
    /// so a bad line stops the output with its file and line named.
    private func printLines(of recording: Recording) throws -> ExitCode {
        let since = try self.time(self.since, option: "--since", in: recording) ?? -.infinity
        let until = try self.time(self.until, option: "--until", in: recording) ?? .infinity
        var wanted: Set<Int>?
        if !self.session.isEmpty {
            var ids = Set<Int>()
            for given in self.session {
                let matching = recording.sessions.filter { "\($0.id)" == given || $0.options.name == given }
                guard !matching.isEmpty else {
                    throw Launch.usageFailure("--session \(given): no such session in the record")
                }
                ids.formUnion(matching.map(\.id))
            }
            wanted = ids
        }
        signal(SIGPIPE, SIG_IGN)
        var output = StandardOutput()
        for index in recording.lines.indices {
            let line = recording.lines[index]
            guard line.time >= since, line.time <= until else { continue }
            if let wanted, !wanted.contains(Int(line.session)) { continue }
            do { _ = try recording.event(at: index) } catch {
                output.flush()
                return Self.failure(error.description)
            }
            guard output.write(recording.bytes(of: index)) else { return ExitCode(ExitStatus.clean.rawValue) }
        }
        output.flush()
        for notice in recording.notices { FileHandle.standardError.write(Data("wsmon: \(notice)\n".utf8)) }
        return ExitCode(ExitStatus.clean.rawValue)
    }

    private func showDashboard(_ recording: Recording) async throws -> ExitCode {
        let environment = ProcessInfo.processInfo.environment
        let themes: ThemeCatalog
        do { themes = try ThemeCatalog.resolve(option: self.theme, environment: environment) } catch {
            return Launch.usageFailure(error.description)
        }
        let start = try self.time(self.at, option: "--at", in: recording)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let replayer = Replayer(recording: recording, loop: group.next())
        await replayer.start(at: start, playing: !self.paused)
        let (quits, quit) = AsyncStream.makeStream(of: Void.self)
        let requests: @Sendable (DashboardRequest) -> Void = { request in
            switch request {
            case .replay(let command): replayer.carryOut(command)
            case .quit: quit.yield()
            default: break  // refused by the dashboard already
            }
        }
        let board = Dashboard(
            monitor: replayer.monitor,
            themes: themes.themes,
            initialTheme: themes.initialIndex,
            replayStatus: { replayer.currentStatus },
            requests: requests
        )
        do { try board.start(environment: environment) } catch {
            try? await group.shutdownGracefully()
            return Launch.usageFailure(error.description)
        }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { quit.yield() }
        for await _ in quits { break }
        signals.cancel()
        await board.stop()
        replayer.stop()
        try? await group.shutdownGracefully()
        for notice in recording.notices { FileHandle.standardError.write(Data("wsmon: \(notice)\n".utf8)) }
        return ExitCode(ExitStatus.clean.rawValue)
    }

}

/// Stdout through a buffer of its own: a replay prints a gigabyte of lines at disk speed.
/// False once the reader has gone (`| head`).
private struct StandardOutput {
    private var buffer: [UInt8] = []
    private var closed = false

    mutating func write(_ line: [UInt8]) -> Bool {
        self.buffer.append(contentsOf: line)
        self.buffer.append(UInt8(ascii: "\n"))
        if self.buffer.count >= 1 << 20 { self.flush() }
        return !self.closed
    }

    mutating func flush() {
        guard !self.closed else { return }
        var offset = 0
        self.buffer.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let written = Foundation.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    self.closed = true
                    return
                }
            }
        }
        self.buffer.removeAll(keepingCapacity: true)
    }
}
