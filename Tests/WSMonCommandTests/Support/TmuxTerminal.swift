import Foundation

/// A terminal a person would use: a shell in a tmux window of a fixed size, on a tmux
/// server of its own. Tests type into it with `send-keys` and read it with `capture-pane`.
final class TmuxTerminal: @unchecked Sendable {
    struct CommandError: Error, CustomStringConvertible {
        var description: String
    }

    let socket = "wsmon-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    let target = "main"

    init(width: Int, height: Int) throws {
        // The first command starts the tmux server, which keeps whatever output it was given
        // open for as long as it lives: give it none.
        try self.tmux(
            capturingOutput: false,
            [
                "-f", "/dev/null", "new-session", "-d", "-s", self.target, "-x", "\(width)", "-y", "\(height)",
                "env", "-i", "PATH=\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")",
                "HOME=\(NSTemporaryDirectory())", "LANG=C.UTF-8", "TERM=tmux-256color", "PS1=$ ",
                "bash", "--norc", "--noprofile",
            ]
        )
        try self.tmux(["set-option", "-t", self.target, "status", "off"])
    }

    /// Types `text` and presses Enter.
    func run(_ text: String) throws {
        try self.type(text)
        try self.press("Enter")
    }

    /// Types `text` literally.
    func type(_ text: String) throws {
        try self.tmux(["send-keys", "-t", self.target, "-l", text])
    }

    /// Presses keys by tmux name: "Enter", "Escape", "Tab", "C-c", "Up"…
    func press(_ keys: String...) throws {
        try self.tmux(["send-keys", "-t", self.target] + keys)
    }

    func resize(width: Int, height: Int) throws {
        try self.tmux(["resize-window", "-t", self.target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The screen as text, one string per row.
    func screen() throws -> [String] {
        var lines = try self.tmux(["capture-pane", "-p", "-t", self.target]).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The pid of the program running in the shell, if any.
    func foregroundPID() throws -> Int32? {
        let shell = try self.tmux(["display-message", "-p", "-t", self.target, "#{pane_pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try Self.output(["pgrep", "-P", shell]).split(separator: "\n")
        return children.first.flatMap { Int32($0) }
    }

    /// Waits until `predicate` holds for the screen; returns the last screen either way.
    @discardableResult
    func waitForScreen(
        timeout: Duration = .seconds(20),
        _ predicate: ([String]) -> Bool
    ) async throws -> (matched: Bool, screen: [String]) {
        let deadline = ContinuousClock.now + timeout
        var screen = try self.screen()
        while !predicate(screen) {
            guard ContinuousClock.now < deadline else { return (false, screen) }
            try await Task.sleep(for: .milliseconds(200))
            screen = try self.screen()
        }
        return (true, screen)
    }

    /// Runs a tmux command on this terminal's server (`show-buffer`, `set-option`…).
    @discardableResult
    func command(_ arguments: String...) throws -> String {
        try self.tmux(arguments)
    }

    func close() {
        _ = try? self.tmux(["kill-server"])
    }

    deinit {
        self.close()
    }

    @discardableResult
    private func tmux(capturingOutput: Bool = true, _ arguments: [String]) throws -> String {
        try Self.output(["tmux", "-L", self.socket] + arguments, capturing: capturingOutput)
    }

    /// Runs a command and returns its stdout. Spawned by hand rather than with Process:
    /// Foundation's Process waits for EOF on a socket the child inherits, and the tmux
    /// server the first command starts would hold it for as long as it lives.
    private static func output(_ arguments: [String], capturing: Bool = true) throws -> String {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipe: [Int32] = [-1, -1]
        if capturing {
            guard Glibc.pipe(&pipe) == 0 else { throw CommandError(description: "pipe: \(errno)") }
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipe[0])
            posix_spawn_file_actions_addclose(&actions, pipe[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Nothing else of ours: a tmux server keeping another child's pipe or Foundation's
        // exit-watch socket open would make whoever waits on it wait forever.
        _ = ChildProcess.addCloseFrom(&actions, 3)
        // Nor the signal mask of this thread (event-loop threads block signals tmux needs).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        var output: [UInt8] = []
        if capturing {
            Glibc.close(pipe[1])
            var buffer = [UInt8](repeating: 0, count: 65536)
            while spawned == 0 {
                let count = read(pipe[0], &buffer, buffer.count)
                guard count > 0 else { break }
                output += buffer[0..<count]
            }
            Glibc.close(pipe[0])
        }
        guard spawned == 0 else { throw CommandError(description: "cannot run \(arguments[0]): \(spawned)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let text = String(decoding: output, as: UTF8.self)
        if arguments.first == "tmux" && status != 0 {
            throw CommandError(description: "\(arguments.joined(separator: " ")) failed with \(status)")
        }
        return text
    }
}

extension Array where Element == String {
    var text: String { self.joined(separator: "\n") }
}
