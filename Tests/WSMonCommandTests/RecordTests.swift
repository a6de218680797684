import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonCommand

/// Records hold what a replay needs and say what they are; a cut, empty, foreign or newer
/// file is one clear sentence naming the file and line, or a partial replay that says where
/// it stopped.
@Suite("Records")
struct RecordTests {
    static let start = 1_796_126_400.0

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-\(name)-\(UUID().uuidString)").path
    }

    static var options: SessionOptions {
        var options = SessionOptions(url: try! WebSocketURL(parsing: "ws://127.0.0.1:9/feed"), name: "feed")
        options.closeTimeout = .seconds(3)
        return options
    }

    /// Every kind of event a session emits, with the values a replay must rebuild exactly.
    static var events: [SessionEvent.Kind] {
        var random = SystemRandomNumberGenerator()
        let request = try! HandshakeRequest(
            url: try! WebSocketURL(parsing: "ws://127.0.0.1:9/feed"),
            extraHeaders: [("Authorization", "Bearer secret-token")],
            random: &random
        )
        let response = HandshakeResponse(
            statusCode: 101,
            reasonPhrase: "Switching Protocols",
            headers: HTTPHeaders([("Upgrade", "websocket"), ("Set-Cookie", "id=42")]),
            subprotocol: nil
        )
        let rejection = HandshakeRejection(
            statusCode: 503,
            reasonPhrase: "Service Unavailable",
            headers: HTTPHeaders([("Retry-After", "3")]),
            retryAfter: .seconds(3),
            bodyPreview: Array("busy\n".utf8),
            bodyTruncated: false
        )
        var summary = CloseSummary(
            initiator: .failure,
            sent: CloseFrame(code: .protocolError, reason: ""),
            received: CloseFrame(code: nil),
            failure: .peerViolation(.controlFrameTooLong(.ping, length: 200)),
            closeTimeoutFiredIn: .closing,
            transportClosedBy: .peer
        )
        summary.violations = 4
        summary.unreportedViolations = ["reserved_bits_set": 2]
        return [
            .stateChanged(.connecting),
            .connecting(attempt: 1, request: request),
            .opened(response, isReconnect: false),
            .connection(
                .frame(
                    FrameRecord(
                        direction: .inbound,
                        opcode: .text,
                        fin: true,
                        masked: false,
                        length: 5,
                        preview: PayloadPreview(Array("hello".utf8))
                    )
                )
            ),
            .connection(.text("hello \u{1B}[31m\n")),
            .connection(.binary([0, 1, 2, 255])),
            .messageSent(.text(#"{"op":"subscribe"}"#)),
            .connection(.ping([1, 2])),
            .connection(.pong([1, 2], answering: PingID(recorded: 7))),
            .roundTrip(PingID(recorded: 7), rtt: .microseconds(1234)),
            .connection(.violation(.frameTooLarge(length: 99, limit: 10))),
            .connection(.violation(.invalidCloseCode(1005))),
            .connection(.partialMessageDiscarded(.binary, byteCount: 12)),
            .connection(.closeReceived(CloseFrame(code: CloseCode(1001), reason: "bye"))),
            .connection(.closeSent(CloseFrame(code: nil))),
            .closed(summary, transportError: "Connection reset by peer (errno: 104)"),
            .connectFailed(.handshakeRejected(rejection)),
            .connectFailed(.dnsFailure(host: "nowhere.invalid", detail: "no address")),
            .connectFailed(.handshakeFailed(.acceptMismatch(expected: "abc", received: "xyz"))),
            .reconnectScheduled(delay: .milliseconds(1500), attempt: 2, retryAfter: .seconds(3)),
            .commandRefused(.closeAlreadySent(.closing)),
            .eventsDropped(count: 3),
            .stopped(.attemptsExhausted(5)),
        ]
    }

    /// A record's bytes: header, session, the events a second apart.
    static func record(_ kinds: [SessionEvent.Kind], frames: Bool = true) -> [UInt8] {
        var bytes = RecordStart(frames: frames, redaction: Redaction()).lines(part: 1, sessions: [(1, self.options)])
        let encoder = EventLine(includeFrames: frames, textPreviewLimit: 200, isComplete: true)
        let prefix = EventLine.SessionPrefix(session: 1, name: "feed", tls: nil)
        for (index, kind) in kinds.enumerated() {
            let event = SessionEvent(
                time: Date(timeIntervalSince1970: self.start + Double(index) + 0.000_25),
                session: 1,
                connection: 1,
                kind: kind
            )
            if let line = encoder.encode(event, prefix: prefix) { bytes += line }
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = self.temporaryPath(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func problem(_ paths: [String]) -> String? {
        do {
            _ = try Recording(paths: paths)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func everyEventComesBackAsItWasRecorded() throws {
        let path = try Self.write(Self.record(Self.events), name: "all")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recording = try Recording(paths: [path])
        #expect(recording.sessions.map(\.id) == [1])
        #expect(recording.sessions.first?.options.closeTimeout == .seconds(3))
        #expect(recording.lines.count == Self.events.count)
        #expect(recording.notices.isEmpty)
        // Written again from what was read back, every line is the same bytes.
        let encoder = EventLine(includeFrames: true, textPreviewLimit: 200, isComplete: true)
        let prefix = EventLine.SessionPrefix(session: 1, name: "feed", tls: nil)
        for index in recording.lines.indices {
            let event = try #require(try recording.event(at: index))
            #expect(abs(event.time.timeIntervalSince1970 - (Self.start + Double(index) + 0.000_25)) < 1e-6)
            let again = try #require(encoder.encode(event, prefix: prefix))
            #expect(
                String(decoding: again.dropLast(), as: UTF8.self)
                    == String(decoding: recording.bytes(of: index), as: UTF8.self)
            )
        }
    }

    @Test func secretsAreRedactedAndWholeMessagesKept() throws {
        let text = String(repeating: "x", count: 70_000)
        let bytes = Self.record(Self.events + [.connection(.text(text))])
        let record = String(decoding: bytes, as: UTF8.self)
        #expect(!record.contains("secret-token"))
        #expect(!record.contains("id=42"))
        #expect(record.contains(#"["Authorization","Bearer [redacted]"]"#))
        #expect(record.contains(#""data":"\#(text)""#), "a 70,000-byte message is kept whole")
        let header = try #require(record.split(separator: "\n").first)
        #expect(header.contains(#""event":"record","format":"wsmon-record","version":1,"part":1"#))
    }

    @Test func aRecordCutMidLineReplaysUpToItsLastWholeLineAndSaysSo() throws {
        let whole = Self.record(Self.events)
        let path = try Self.write(Array(whole.dropLast(10)), name: "cut")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recording = try Recording(paths: [path])
        #expect(recording.lines.count == Self.events.count - 1)
        let lines = 2 + Self.events.count
        #expect(
            recording.notices == [
                "\(path): line \(lines) is cut off (the record ends mid-line); replayed up to line \(lines - 1)"
            ]
        )
    }

    @Test func emptyForeignAndNewerFilesAreOneClearError() throws {
        let empty = try Self.write([], name: "empty")
        let foreign = try Self.write(
            Array(#"{"time":"2026-12-02T15:00:00.000Z","session":1,"event":"state"}"#.utf8) + [10],
            name: "foreign"
        )
        let text = try Self.write(Array("hello\n".utf8), name: "text")
        var newer = String(decoding: Self.record([]), as: UTF8.self)
        newer = newer.replacingOccurrences(of: #""version":1"#, with: #""version":2"#)
        let newerPath = try Self.write(Array(newer.utf8), name: "newer")
        defer { for path in [empty, foreign, text, newerPath] { try? FileManager.default.removeItem(atPath: path) } }
        #expect(Self.problem([empty]) == "\(empty): empty file, not a wsmon record")
        #expect(
            Self.problem([foreign]) == "\(foreign):1: not a wsmon record (its first line is no wsmon-record header)"
        )
        #expect(Self.problem([text]) == "\(text):1: not a wsmon record (its first line is no wsmon-record header)")
        #expect(Self.problem([newerPath]) == "\(newerPath):1: record format version 2; this wsmon reads version 1")
        #expect(Self.problem(["/nonexistent/wsmon.jsonl"])?.hasPrefix("/nonexistent/wsmon.jsonl: cannot read") == true)
    }

    @Test func aBadLineNamesItsFileAndLine() throws {
        var bytes = Self.record(Array(Self.events.prefix(3)))
        bytes +=
            Array(
                #"{"time":"2026-12-02T15:00:09.000000Z","session":1,"name":"feed","connection":1,"event":"teleport"}"#
                    .utf8
            ) + [10]
        bytes += Array("{not json\n".utf8)
        let path = try Self.write(bytes, name: "bad")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recording = try Recording(paths: [path])
        #expect(throws: Recording.Problem(description: "\(path):6: unknown event teleport")) {
            try recording.event(at: 3)
        }
        #expect(throws: Recording.Problem(description: "\(path):7: not a JSON object (every record line is one)")) {
            try recording.event(at: 4)
        }
    }

    @Test func rotationKeepsPartsThatEachReplayAndReadTogetherInOrder() async throws {
        let path = Self.temporaryPath("rotating")
        let start = RecordStart(frames: false, redaction: Redaction())
        let first = start.lines(part: 1, sessions: [(1, Self.options)])
        let descriptor = try LineWriter.openFile(path)
        let writer = LineWriter(
            descriptor: descriptor,
            name: path,
            rotation: LineWriter.Rotation(path: path, maxSize: 2000) { start.lines(part: $0) }
        ) { _ in }
        _ = writer.write(first)
        let encoder = EventLine(includeFrames: false, textPreviewLimit: 200, isComplete: true)
        let prefix = EventLine.SessionPrefix(session: 1, name: "feed", tls: nil)
        for index in 0..<100 {
            let event = SessionEvent(
                time: Date(timeIntervalSince1970: Self.start + Double(index)),
                session: 1,
                connection: 1,
                kind: .connection(.text("message \(index)"))
            )
            _ = writer.write(try #require(encoder.encode(event, prefix: prefix)))
        }
        #expect(await writer.finish(within: .seconds(10)))
        let parts = [path] + (1...LineWriter.Rotation.keptParts).map { "\(path).\($0)" }
        defer { for part in parts { try? FileManager.default.removeItem(atPath: part) } }
        let existing = parts.filter { FileManager.default.fileExists(atPath: $0) }
        #expect(existing.count == LineWriter.Rotation.keptParts + 1, "the oldest parts are removed")
        for part in existing {
            let size = try #require(
                (try FileManager.default.attributesOfItem(atPath: part)[.size] as? NSNumber)?.intValue
            )
            #expect(size <= 2000)
            let alone = try Recording(paths: [part])
            #expect(alone.sessions.map(\.id) == [1], "each part replays on its own")
        }
        // Given in any order, the parts replay oldest first and end with the last message.
        let together = try Recording(paths: existing.reversed())
        let times = together.lines.map(\.time)
        #expect(times == times.sorted())
        let last = try #require(try together.event(at: together.lines.count - 1))
        guard case .connection(.text(let text)) = last.kind else {
            Issue.record("the last line is \(last.kind)")
            return
        }
        #expect(text == "message 99")
    }
}
