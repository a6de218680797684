import Foundation

/// A child process spawned by hand, with only the descriptors given (as its stdin, stdout
/// and stderr) and no signal blocked. Not Foundation's Process: that one waits for EOF on a
/// socket every child inherits, so a child still running (a stalled wsmon, a tmux server)
/// can hold another child's exit forever, which hung whole test runs.
final class ChildProcess: @unchecked Sendable {
    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?

    /// Spawns `arguments` (looked up on PATH); `stdin`, `stdout` and `stderr` become its
    /// descriptors 0, 1 and 2, and nothing else of ours is inherited.
    init(_ arguments: [String], stdin: Int32, stdout: Int32, stderr: Int32) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        _ = Self.addCloseFrom(&actions, 3)
        // Event-loop threads block signals; the child must get SIGINT and SIGTERM.
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
        guard spawned == 0 else { throw SpawnError(description: "cannot run \(arguments[0]): \(spawned)") }
        self.pid = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, declared for _GNU_SOURCE only.
    static let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32 =
        unsafeBitCast(
            dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")!,
            to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self
        )

    /// The exit status (128 + N for signal N) once it ended, without waiting.
    var exitStatus: Int32? {
        self.lock.lock()
        defer { self.lock.unlock() }
        if self.status == nil {
            var raw: Int32 = 0
            if waitpid(self.pid, &raw, WNOHANG) == self.pid { self.status = Self.decode(raw) }
        }
        return self.status
    }

    /// Waits (bounded) for the exit; nil if it still runs after `limit`.
    func waitForExit(within limit: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while self.exitStatus == nil && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return self.exitStatus
    }

    /// Kills it if it still runs and reaps it.
    func stop() {
        guard self.exitStatus == nil else { return }
        kill(self.pid, SIGKILL)
        var raw: Int32 = 0
        waitpid(self.pid, &raw, 0)
        self.lock.lock()
        self.status = Self.decode(raw)
        self.lock.unlock()
    }

    private static func decode(_ raw: Int32) -> Int32 {
        raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
    }
}
