import ArgumentParser
import Foundation
import NIOPosix
import WSMonDashboard
import WSMonMonitor

/// `wsmon report FILE…`: a record's storm tab and close causes as text (or JSON), for a
/// ticket or a CI log. The record is replayed to its end into a monitor, as `replay` does.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a record's storm and close causes as text, or as JSON with --json."
    )

    @Argument(help: "The record and its rotated parts (FILE FILE.1 …), in any order.", completion: .file())
    var files: [String]

    @Flag(help: "One JSON object instead of text.")
    var json = false

    func run() async throws {
        let recording: Recording
        do { recording = try Recording(paths: self.files) } catch {
            throw Replay.failure(error.description)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let replayer = Replayer(recording: recording, loop: group.next())
        await replayer.start(at: recording.end, playing: false)
        replayer.stop()
        let snapshot = await replayer.monitor.collect()
        try? await group.shutdownGracefully()
        if let notice = replayer.currentStatus.notice {
            FileHandle.standardError.write(Data("wsmon: \(notice)\n".utf8))
        }
        let text: String
        if self.json {
            text = String(
                decoding: StormJSON.encode(snapshot.totals, sessions: recording.sessions.count),
                as: UTF8.self
            )
        } else {
            text = StormTab.text(snapshot.totals.stormView, utcOffsetSeconds: Dashboard.localUTCOffset())
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// The storm as one JSON object: `attempts`, `opens`, `per_second` ([second, attempts,
/// opens]), `synchronised_retries` (null, or `window_start_s`, `attempts`, `nearby`, `share`),
/// `reconnect_delays` and `lifetimes` ({`lt_s`, `count`} buckets, the last open-ended), `close_causes`
/// ({`count`, `cause`, `code`, `words`, `hint`}), `handshake_failures` ({`count`, `reason`,
/// `status`}).
enum StormJSON {
    static func encode(_ totals: Totals, sessions: Int) -> [UInt8] {
        let storm = totals.storm
        var object: [String: Any] = [
            "sessions": sessions,
            "attempts": storm.attempts,
            "opens": storm.opens,
            "per_second": storm.timeline.sorted { $0.key < $1.key }.map {
                [Int($0.key), $0.value.attempts, $0.value.opens]
            },
            "reconnect_delays": self.buckets(storm.reconnectDelays),
            "lifetimes": self.buckets(storm.lifetimes),
        ]
        if let herding = storm.herding() {
            object["synchronised_retries"] = [
                "window_start_s": herding.windowStart,
                "attempts": herding.attempts, "nearby": herding.nearby,
                "share": (herding.share * 1000).rounded() / 1000,
            ]
        } else {
            object["synchronised_retries"] = NSNull()
        }
        object["close_causes"] = storm.causes.sorted { ($1.value.count, $0.key) < ($0.value.count, $1.key) }.map {
            key,
            group -> [String: Any] in
            var cause: [String: Any] = [
                "count": group.count, "cause": key.cause.rawValue, "code": Int(key.code),
                "words": key.cause.words(code: key.code),
            ]
            if let silence = storm.commonSilence(of: key) {
                cause["hint"] =
                    "\(silence.count) silent for \(silence.seconds) s before the cut: an idle timeout of \(silence.seconds) s?"
            } else if let hint = key.cause.hint(code: key.code, silentFor: nil) {
                cause["hint"] = hint
            }
            return cause
        }
        object["handshake_failures"] =
            totals.rejectionStatuses.sorted { $0.key < $1.key }.map {
                ["count": $0.value, "reason": "rejected", "status": $0.key] as [String: Any]
            }
            + totals.failures.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                ["count": $0.value, "reason": $0.key.label] as [String: Any]
            }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }

    private static func buckets(_ histogram: StormStats.Histogram) -> [[String: Any]] {
        histogram.counts.enumerated().map { index, count in
            let bound: Any = index < histogram.bounds.count ? histogram.bounds[index] : NSNull()
            return ["lt_s": bound, "count": count]
        }
    }
}
