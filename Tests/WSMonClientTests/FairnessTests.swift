import NIOCore
import NIOPosix
import Synchronization
import WSMonClient
import WSMonCore
import WSMonLab
import XCTest

/// One event loop, fifty connections that flood it and one quiet echo: the floods take
/// turns (`ConnectionTiming.turnBudget`, served in rounds by `TurnQueue`), not the loop.
///
/// An XCTest case on purpose: `swift test` runs XCTest cases one at a time before the Swift
/// Testing suites, which run in parallel. Its bounds are on wall time, and the parallel
/// suites (floods of their own among them) would take the CPU they measure.
final class FairnessTests: XCTestCase {
    /// The bound on the echo's p99 round trip: 50 ms for a release build (the README's
    /// fairness figure); a debug build, which `swift test` runs, parses several times slower.
    #if DEBUG
    static let roundTripBound = Duration.milliseconds(250)
    #else
    static let roundTripBound = Duration.milliseconds(50)
    #endif

    func testFiftyFloodsDoNotHoldUpTheHandshakesOrTheEchoOfAnother() async throws {
        let labThread = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let lab = try await ScenarioLab.start(group: labThread)
        let clientThread = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let opened = Atomic<Int>(0)
        let rtts = Mutex<[Duration]>([])
        var sessions: [Session] = []
        defer {
            for session in sessions { session.close() }
            lab.stop()
        }
        let start = ContinuousClock.now
        for id in 1...51 {
            let path = id <= 50 ? "/flood?size=1024" : "/echo"
            var options = SessionOptions(url: try WebSocketURL(parsing: lab.url(path)))
            options.pingInterval = id <= 50 ? nil : .milliseconds(50)
            options.reconnect.isEnabled = false
            let session = Session(id: id, options: options, eventLoop: clientThread.next()) { event in
                switch event.kind {
                case .opened: opened.add(1, ordering: .relaxed)
                case .roundTrip(_, let rtt): rtts.withLock { $0.append(rtt) }
                default: break
                }
            }
            sessions.append(session)
            session.start()
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while opened.load(ordering: .relaxed) < 51 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let openedIn = ContinuousClock.now - start
        XCTAssertEqual(opened.load(ordering: .relaxed), 51, "all open within 10 s, one handshake at a time (§4.1)")
        rtts.withLock { $0.removeAll() }
        // Three seconds of floods: the echo's pings keep being answered promptly.
        let window = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < window { try await Task.sleep(for: .milliseconds(50)) }
        let sorted = rtts.withLock { $0 }.sorted()
        guard sorted.count >= 10 else {
            return XCTFail("the echo kept pinging: \(sorted.count) round trips")
        }
        let p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        XCTAssertLessThanOrEqual(
            p99,
            Self.roundTripBound,
            "p99 round trip \(p99) (median \(sorted[sorted.count / 2])), opened in \(openedIn)"
        )
        for session in sessions { session.close() }
        sessions = []
        try await lab.shutdown()
        try await labThread.shutdownGracefully()
        try await clientThread.shutdownGracefully()
    }
}
