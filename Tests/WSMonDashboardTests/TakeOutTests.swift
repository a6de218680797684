import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// `y` and `w`: a message copied with OSC 52 or written to a file, as JSON Lines.
@Suite("Taking messages out")
struct TakeOutTests {
    static let hostile = "evil\u{1B}]52;c;AAAA\u{07}\u{202E}txt 😀"

    static func model() -> DashboardModel {
        let detail = SnapshotFixture.detail(
            for: SnapshotFixture.sessions[0],
            frames: [SnapshotFixture.textFrame(Self.hostile, at: -1)],
            messages: [Screens.message(Self.hostile, frame: 0, at: -1)]
        )
        return Screens.focusedFrames(detail, width: 120, height: 30)
    }

    @Test func yCopiesTheWholeMessageBase64EncodedAndSaysWhatAndHowBig() throws {
        var model = Self.model()
        _ = model.handle(.character("y"))
        let outputs = model.takeOutputs()
        guard case .copy(let base64) = try #require(outputs.first) else {
            Issue.record("no copy: \(outputs)")
            return
        }
        #expect(Data(base64Encoded: base64) == Data(Self.hostile.utf8), "the message, exactly")
        #expect(base64.utf8.allSatisfy { $0 < 0x80 && $0 >= 0x20 }, "only base64 reaches the terminal")
        let status = try #require(model.status?.text)
        #expect(status.hasPrefix("copied frame 1 (text, \(Self.hostile.utf8.count) bytes) with OSC 52"))
        let footer = SnapshotFixture.render(model).lines[29]
        #expect(footer.contains(#"evil\e]52;c;AAAA\a\u{202E}txt"#), "the note shows escapes: \(footer)")
        #expect(model.takeOutputs().isEmpty, "taken once")
    }

    @Test func wWritesTheMessageAsAJSONLineToTheFileNamed() throws {
        var model = Self.model()
        _ = model.handle(.character("w"))
        let prompt = try #require(model.prompt)
        #expect(prompt.text == "wsmon-1-frame-1.jsonl", "a name is offered")
        #expect(prompt.label.hasPrefix("write frame 1's message"))
        _ = model.handle(.enter)
        guard case .write(let path, let contents, _) = try #require(model.takeOutputs().first) else {
            Issue.record("no write")
            return
        }
        #expect(path == "wsmon-1-frame-1.jsonl")
        let line = try #require(String(validating: contents, as: UTF8.self))
        #expect(!line.utf8.contains(0x1B), "no raw escape in the file")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contents)) as? [String: Any])
        #expect(object["event"] as? String == "message")
        #expect(object["text"] as? String == Self.hostile)
        #expect(object["size"] as? Int == Self.hostile.utf8.count)
    }

    @Test func wInTheTableWritesTheFrameLogAndAnExistingFileIsKept() throws {
        let detail = SnapshotFixture.detail(
            for: SnapshotFixture.sessions[0],
            frames: RenderTests.frames,
            messages: [Screens.message(#"{"price":101.5,"qty":1}"#, frame: 2, at: -1.125)]
        )
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(detail: detail), width: 100, height: 30)
        _ = model.handle(.character("w"))
        #expect(model.prompt?.label == "write #1's frame log (3 frames) to: ")
        _ = model.handle(.enter)
        guard case .write(_, let contents, let what) = try #require(model.takeOutputs().first) else { return }
        let lines = contents.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 4, "three frames and the message kept")
        let events = try lines.map { try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        #expect(events.map { $0?["event"] as? String } == ["frame", "frame", "frame", "message"])
        #expect(events[0]?["direction"] as? String == "out")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-\(UUID().uuidString).jsonl")
            .path
        #expect(FileExport.create(path, contents: contents) == nil)
        #expect(FileManager.default.contents(atPath: path) == Data(contents))
        #expect(FileExport.create(path, contents: [1]) == "it exists; give another name")
        model.wrote(what, to: path, bytes: contents.count, error: nil)
        #expect(model.status?.text.hasPrefix("wrote #1's frame log (3 frames) to ") == true)
        try? FileManager.default.removeItem(atPath: path)
    }
}
