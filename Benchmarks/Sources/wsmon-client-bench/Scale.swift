import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import WSMonClient
import WSMonCore

#if canImport(Glibc)
import Glibc
#endif

/// (c) Many sessions held open: time to open them all, RSS per session, CPU while each
/// receives one message a second. The server runs in a child process so its memory and CPU
/// are not counted.
enum Scale {
    static func run(sessions count: Int, seconds: Int, serverPort: Int) async throws {
        raiseFileLimit()
        // One event loop thread, as `wsmon` runs by default (`--io-threads 1`).
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let opened = Counter()
        let messages = Counter()
        let failures = Counter()
        let baseline = residentBytes()
        let start = ContinuousClock.now
        var sessions: [Session] = []
        sessions.reserveCapacity(count)
        for id in 1...count {
            var options = SessionOptions(url: try WebSocketURL(parsing: "ws://127.0.0.1:\(serverPort)/"))
            options.pingInterval = nil
            options.openTimeout = .seconds(60)
            let session = Session(id: id, options: options, eventLoop: group.next()) { event in
                switch event.kind {
                case .opened: opened.add()
                case .connection(.text): messages.add()
                case .connectFailed: failures.add()
                default: break
                }
            }
            session.start()
            sessions.append(session)
        }
        while opened.value + failures.value < count { try await Task.sleep(for: .milliseconds(20)) }
        let openTime = ContinuousClock.now - start
        try await Task.sleep(for: .seconds(2))
        let rss = residentBytes()
        let cpuStart = cpuSeconds()
        let messagesStart = messages.value
        let wallStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let cpu = cpuSeconds() - cpuStart
        let wall = ContinuousClock.now - wallStart
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let received = messages.value - messagesStart
        print("sessions                 \(count) (\(failures.value) failed to open)")
        print(
            "time to open all         \(format(openTime)) s   (target <= 10 s; one connecting attempt per endpoint, RFC 6455 §4.1)"
        )
        print(
            "RSS per open session     \(String(format: "%.1f", Double(rss - baseline) / Double(count) / 1024)) KB   (target <= 20 KB; frame records on)"
        )
        print(
            "messages received        \(received) in \(String(format: "%.1f", wallSeconds)) s = \(Int(Double(received) / wallSeconds))/s"
        )
        print(
            "CPU                      \(String(format: "%.1f", 100 * cpu / wallSeconds)) % of one core   (target <= 25 %)"
        )
        for session in sessions { session.close() }
        try await Task.sleep(for: .seconds(1))
    }

    final class Counter: @unchecked Sendable {
        private let lock = NIOLockedValueBox(0)
        func add() { self.lock.withLockedValue { $0 += 1 } }
        var value: Int { self.lock.withLockedValue { $0 } }
    }

    static func raiseFileLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    static func residentBytes() -> Int {
        // /proc/self/statm: size and resident pages, then more.
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let fields = statm.split(separator: " ")
        let residentPages = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
        return residentPages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}

func format(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return String(format: "%.2f", seconds)
}
