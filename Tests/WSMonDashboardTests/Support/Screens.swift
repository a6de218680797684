import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// Whole screens compared as text. On a difference the screen drawn is written to a file
/// named in the failure, to read (or to take as the new expectation once checked by eye).
enum Screens {
    static let sizes = [(80, 24), (120, 40), (200, 60)]

    static func expect(
        _ grid: CellGrid,
        _ expected: [String],
        _ name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let lines = grid.lines
        guard lines != expected else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wsmon-screen-\(name).txt")
        try? (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let first = zip(lines, expected).enumerated().first { $0.element.0 != $0.element.1 }
        let detail = first.map { "row \($0.offset):\n  drawn    \($0.element.0)\n  expected \($0.element.1)" }
        Issue.record(
            "screen \(name) differs (\(lines.count) rows, \(expected.count) expected); \(detail ?? "row count") — drawn screen in \(file.path)",
            sourceLocation: sourceLocation
        )
    }

    /// Ten sessions given as plain URLs of one host, the README's first example's way.
    static let plainURLs: [SnapshotFixture.Row] = [
        "/echo", "/feed?rate=10&size=64", "/feed?rate=1", "/half-close", "/double-close",
        "/flood?size=1024&count=10000",
        "/drop", "/periodic-drop?every=2&jitter=1", "/reject?status=503", "/violation/rsv",
    ].enumerated().map { index, path in
        let url = "ws://127.0.0.1:8765" + path
        return SnapshotFixture.session(index + 1, url, state: index % 3 == 2 ? .reconnecting : .open, url: url)
    }

    /// `count` copies of one URL, named as `--count` names them.
    static func copies(_ count: Int, of url: String) -> [SnapshotFixture.Row] {
        (1...count).map { SnapshotFixture.session($0, url + " #\($0)", state: .open, url: url) }
    }

    static func message(
        _ text: String,
        frame: Int,
        _ direction: FrameRecord.Direction = .inbound,
        at offset: Double,
        connection: Int = 1
    ) -> MessageLogEntry {
        MessageLogEntry(
            time: SnapshotFixture.now + offset,
            connection: connection,
            frameNumber: frame,
            direction: direction,
            content: .text(text),
            size: text.utf8.count,
            truncated: false
        )
    }

    static func frame(
        _ opcode: Opcode,
        _ direction: FrameRecord.Direction = .inbound,
        length: Int,
        preview: [UInt8] = [],
        at offset: Double,
        connection: Int32 = 1
    ) -> FrameLogEntry {
        FrameLogEntry(
            time: SnapshotFixture.now + offset,
            connection: connection,
            record: FrameRecord(
                direction: direction,
                opcode: opcode,
                fin: true,
                masked: direction == .outbound,
                length: UInt64(length),
                preview: PayloadPreview(preview)
            )
        )
    }

    /// A model with `detail` for the first session, the pane focused on the Frames tab.
    static func focusedFrames(
        _ detail: SessionDetail,
        rows: [SnapshotFixture.Row] = [SnapshotFixture.sessions[0]],
        width: Int,
        height: Int
    ) -> DashboardModel {
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(rows, detail: detail), width: width, height: height)
        _ = model.handle(.enter)
        return model
    }
}
