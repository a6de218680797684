import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonLab

@Suite("Library API: the bounded event stream")
struct EventStreamTests {
    @Test func aSlowConsumerLosesNoMessage() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        var options = SessionOptions(url: try WebSocketURL(parsing: lab.url("/feed?rate=2000&size=64&count=600")))
        options.pingInterval = nil
        options.reconnect.isEnabled = false
        let session = WebSocketSession(options: options, eventBufferLimit: 32)
        var sequence: [Int] = []
        for await event in session.events {
            if case .connection(.text(let text)) = event.kind {
                let number = text.split(separator: ",").first?.split(separator: ":").last.flatMap { Int($0) }
                sequence.append(number ?? -1)
                if sequence.count % 50 == 0 { try await Task.sleep(for: .milliseconds(40)) }
                if sequence.count == 600 { session.close() }
            }
        }
        #expect(sequence == Array(1...600), "every message, in order")
    }

    @Test func aBurstOverTheLimitPausesReadingAndLosesNoMessage() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        var options = SessionOptions(url: try WebSocketURL(parsing: lab.url("/flood?size=64&count=5000")))
        options.pingInterval = nil
        options.reconnect.isEnabled = false
        let session = WebSocketSession(options: options, eventBufferLimit: 32)
        var messages = 0
        var dropped = 0
        for await event in session.events {
            switch event.kind {
            case .connection(.binary(let bytes)):
                #expect(bytes.count == 64)
                messages += 1
                if messages == 5000 { session.close() }
            case .eventsDropped(let count):
                dropped += count
            default:
                break
            }
        }
        #expect(messages >= 5000, "messages are never dropped")
        // Reading pauses at the message that fills the queue, so at most that message's own
        // frame records overflow it (counted), not the hundreds of frames of a read.
        #expect(dropped < 100, "\(dropped) frame records dropped")
    }

    @Test func sendAndReceiveThroughTheAsyncAPI() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let session = try WebSocketSession(url: lab.url("/echo"))
        var texts: [String] = []
        for await event in session.events {
            switch event.kind {
            case .opened:
                session.send(text: "hello")
                session.send(binary: [1, 2, 3])
            case .connection(.text(let text)):
                texts.append(text)
            case .connection(.binary(let bytes)):
                #expect(bytes == [1, 2, 3])
                session.close(code: CloseCode(4000), reason: "bye")
            default:
                break
            }
        }
        #expect(texts == ["hello"])
        #expect(await lab.recordsOnceClosed().first?.closeCodesReceived == [4000])
    }
}
