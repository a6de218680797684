import Foundation
import NIOPosix
import Testing
import WSMonLab

/// wsmon against servers that do not play fair, and readers that do not keep up: memory
/// stays bounded, TCP pushes back on the servers, and wsmon still stops when asked.
@Suite("Bounded under hostile load", .serialized)
struct HostileLoadTests {
    /// What a run may hold above its baseline (README "Output and backpressure").
    static let memoryBoundKiB = 64 * 1024

    /// Waits (bounded) until `condition` holds.
    static func until(
        _ what: String,
        within limit: Duration = .seconds(20),
        _ condition: () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < deadline else { throw Timeout(description: "timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// A lab on a thread of its own: a flood keeps its event loop busy, and the other suites'
    /// labs share the process-wide one.
    static func withOwnLab(_ body: (ScenarioLab) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let lab = try await ScenarioLab.start(group: group)
        do {
            try await body(lab)
        } catch {
            try? await lab.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        try await lab.shutdown()
        try await group.shutdownGracefully()
    }

    static func framesSent(_ lab: ScenarioLab, path: String) -> Int {
        lab.records().first { $0.path.hasPrefix(path) }?.framesSent ?? 0
    }

    @Test func aFloodWithStdoutStalledStaysBoundedAndHoldsTheServerBack() async throws {
        try await Self.withOwnLab { lab in
            let wsmon = try RunningWSMon(
                ["--headless", "--no-reconnect", "--close-timeout", "2s", lab.url("/flood?size=1024")],
                stdout: .stalledPipe
            )
            defer { wsmon.stop() }
            try await Self.until("the flood to start") { Self.framesSent(lab, path: "/flood") > 0 }
            let baseline = try #require(wsmon.memoryKiB("VmRSS"))
            // Stdout stays stalled: once the outputs are full the server must be held back,
            // sending nothing for two seconds in a row (a busy machine takes longer to fill
            // them: up to 30 s).
            var sent: [(at: ContinuousClock.Instant, frames: Int)] = []
            var heldBack = false
            let deadline = ContinuousClock.now + .seconds(30)
            while !heldBack && ContinuousClock.now < deadline {
                sent.append((ContinuousClock.now, Self.framesSent(lab, path: "/flood")))
                if let twoSecondsBefore = sent.last(where: { sent.last!.at - $0.at >= .seconds(2) }) {
                    heldBack = sent.last!.frames - twoSecondsBefore.frames <= 64
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            let peak = try #require(wsmon.memoryKiB("VmHWM"))
            #expect(peak - baseline <= Self.memoryBoundKiB, "peak \(peak) KiB, baseline \(baseline) KiB")
            #expect(heldBack, "the server was held back: \(sent.map(\.frames).suffix(12))")
            wsmon.send(SIGINT)
            let status = await wsmon.waitForExit(within: .seconds(15))
            #expect(status != nil, "SIGINT ends the run with stdout still stalled")
            #expect(wsmon.stderr.contains("stdout is blocked"), "says what was not written: \(wsmon.stderr)")
        }
    }

    @Test func aPingFloodFromAServerThatNeverReadsIsBounded() async throws {
        try await Self.withOwnLab { lab in
            let wsmon = try RunningWSMon(
                ["--headless", "--no-reconnect", "--close-timeout", "2s", lab.url("/ping-flood?size=16")],
                stdout: .file("/dev/null")
            )
            defer { wsmon.stop() }
            try await Self.until("the ping flood to start") { Self.framesSent(lab, path: "/ping-flood") > 0 }
            let baseline = try #require(wsmon.memoryKiB("VmRSS"))
            // Ten seconds, as long as the flood that once took 645 MiB: the pongs that cannot be
            // written stop the reading instead of piling up.
            try await Task.sleep(for: .seconds(10))
            let peak = try #require(wsmon.memoryKiB("VmHWM"))
            #expect(peak - baseline <= Self.memoryBoundKiB, "peak \(peak) KiB, baseline \(baseline) KiB")
            wsmon.send(SIGTERM)
            #expect(await wsmon.waitForExit(within: .seconds(15)) != nil)
        }
    }

    @Test func headOneEndsTheRunWithinASecond() async throws {
        try await Self.withOwnLab { lab in
            let wsmon = try RunningWSMon(["--headless", lab.url("/feed?rate=100")], stdout: .pipe)
            defer { wsmon.stop() }
            #expect(wsmon.readLine()?.contains(#""event":"state""#) == true)
            let closed = ContinuousClock.now
            wsmon.closeReader()
            let status = await wsmon.waitForExit(within: .seconds(5))
            #expect(status == 0, "the sessions closed cleanly when the reader left: \(wsmon.stderr)")
            #expect(ContinuousClock.now - closed < .seconds(1))
        }
    }

    @Test(arguments: [["--record", "/dev/full"], []])
    func aWriteErrorIsOneLineAndStatus74(extra: [String]) async throws {
        try await Self.withOwnLab { lab in
            let recording = !extra.isEmpty
            let wsmon = try RunningWSMon(
                ["--headless", "--duration", "20s", lab.url("/feed?rate=50")] + extra,
                stdout: recording ? .file("/dev/null") : .file("/dev/full")
            )
            defer { wsmon.stop() }
            let status = await wsmon.waitForExit(within: .seconds(10))
            #expect(status == 74, "status \(status.map(String.init) ?? "none"): \(wsmon.stderr)")
            let target = recording ? "/dev/full" : "stdout"
            #expect(
                wsmon.stderr.contains("wsmon: cannot write to \(target): No space left on device"),
                "\(wsmon.stderr)"
            )
        }
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func signalsWorkWhileStdoutIsStalled(first: Int32) async throws {
        try await Self.withOwnLab { lab in
            let record = FileManager.default.temporaryDirectory.appendingPathComponent(
                "wsmon-\(UUID().uuidString).jsonl"
            )
            defer { try? FileManager.default.removeItem(at: record) }
            // The server ignores our Close, so a graceful close would wait out the 10 s timeout;
            // with --frames the flood fills stdout, and at the forced exit its frames still
            // buffered arrive all at once.
            let wsmon = try RunningWSMon(
                [
                    "--headless", "--no-reconnect", "--frames", "--record", record.path,
                    lab.url("/ignore-close"), lab.url("/flood?size=512"),
                ],
                stdout: .stalledPipe
            )
            defer { wsmon.stop() }
            // Stdout gets the record's lines: 1,000 of them are more than its pipe holds.
            try await Self.until("the flood to fill stdout") {
                ((try? Data(contentsOf: record)) ?? Data()).count { $0 == UInt8(ascii: "\n") } > 1000
            }
            wsmon.send(first)
            try await Self.until("the graceful close to begin") {
                ((try? String(contentsOf: record, encoding: .utf8)) ?? "").contains(#""event":"close_sent""#)
            }
            let second = ContinuousClock.now
            wsmon.send(SIGINT)
            #expect(await wsmon.waitForExit(within: .seconds(5)) == 130)
            #expect(ContinuousClock.now - second < .seconds(1), "the second SIGINT exits at once")
            let events = try String(contentsOf: record, encoding: .utf8).split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(wsmon.stderr.contains("wsmon: stdout is blocked"), "stdout was stalled: \(wsmon.stderr)")
            for session in 1...2 {
                let own = events.filter { $0["session"] as? Int == session }
                let opens = own.count { $0["event"] as? String == "open" }
                let closes = own.filter { $0["event"] as? String == "closed" }
                #expect(
                    opens == 1 && closes.count == 1,
                    "session \(session): every opened connection has its closed line"
                )
            }
            #expect(
                events.contains { $0["session"] as? Int == 1 && $0["cut_short"] as? Bool == true },
                "ignore-close was cut"
            )
            #expect(events.last?["cut_short"] as? Bool == true, "the record ends with the cut-short lines")
        }
    }
}
