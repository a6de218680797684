import Foundation
import NIOCore
import NIOPosix
import Testing
import WSMonClient
import WSMonCore
import WSMonLab
import WSMonMonitor

/// The monitor fed by a real session against the lab, as wsmon runs it.
@Suite("Monitor with a live session")
struct LiveSessionTests {
    @Test func theWatchedSessionKeepsEchoedMessagesForItsFrames() async throws {
        let lab = try await ScenarioLab.start(port: 0)
        defer { lab.stop() }
        let monitor = Monitor()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        var options = SessionOptions(url: try WebSocketURL(parsing: lab.url("/echo")))
        options.pingInterval = nil
        monitor.watch(1)
        let session = Session(
            id: 1,
            options: options,
            eventLoop: loop,
            sink: monitor.register(id: 1, options: options, on: loop)
        )
        session.start()
        var detail: SessionDetail?
        var sent = false
        for _ in 0..<1000 {
            try await Task.sleep(for: .milliseconds(20))
            detail = await monitor.collect().detail
            if (detail?.messages.count ?? 0) >= 2 { break }
            // Send once the session is open (a busy machine takes a while to get there).
            if !sent && detail?.summary.state == .open {
                session.send(.text(#"{"hello":"world"}"#))
                sent = true
            }
        }
        session.close()
        let found = try #require(detail)
        #expect(found.messages.count == 2, "the message sent and its echo")
        for (message, direction) in zip(found.messages, [FrameRecord.Direction.outbound, .inbound]) {
            #expect(message.content == .text(#"{"hello":"world"}"#))
            #expect(message.direction == direction)
            let frame = found.frames[message.frameNumber - found.framesOverflowed]
            #expect(frame.record.direction == direction, "linked to the frame that carried it")
            #expect(frame.record.opcode == .text)
        }
    }
}
