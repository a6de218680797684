import NIOCore
import NIOEmbedded
import Testing
import WSMonCore
import WSMonTestSupport

@testable import WSMonClient

/// Reading stops at a message boundary when the consumer or the outbound buffer asks, and
/// nothing already read is lost or reordered (EmbeddedChannel, no sockets).
@Suite("Connection handler backpressure")
struct BackpressureTests {
    typealias Harness = ConnectionHandlerTests.Harness

    var texts: (Harness) -> [String] = { harness in
        harness.recorder.outputs.flatMap { output -> [String] in
            guard case .events(let events, _) = output else { return [] }
            return events.compactMap { if case .text(let text) = $0 { text } else { nil } }
        }
    }

    @Test func aPauseStopsParsingAtTheNextMessageAndResumingParsesTheRestInOrder() throws {
        let harness = try Harness()
        harness.recorder.onOutput = { output in
            if case .events(let events, _) = output, events.contains(.text("one")) {
                harness.handler.setReading(false)
            }
        }
        try harness.serverSends(.text("one"), .text("two"), .text("three"))
        #expect(self.texts(harness) == ["one"], "parsing stopped after the message that paused")
        try harness.serverSends(.text("four"))
        #expect(self.texts(harness) == ["one"], "a later read waits behind the unparsed bytes")
        harness.recorder.onOutput = nil
        harness.handler.setReading(true)
        harness.loop.advanceTime(by: TurnQueue.gap)
        #expect(self.texts(harness) == ["one", "two", "three", "four"])
    }

    @Test func aFINWhilePausedWaitsBehindTheMessagesBeforeIt() throws {
        let harness = try Harness()
        harness.handler.setReading(false)
        try harness.serverSends(.text("last"), .close(1000, "bye"))
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(self.texts(harness).isEmpty)
        #expect(harness.handler.state == .open)
        harness.handler.setReading(true)
        harness.loop.advanceTime(by: TurnQueue.gap)
        #expect(self.texts(harness) == ["last"])
        #expect(harness.handler.state != .open, "the Close and the FIN came after it")
    }

    @Test func theEndOfTheTransportDeliversWhatWasReadEvenWhilePaused() throws {
        let harness = try Harness()
        harness.handler.setReading(false)
        try harness.serverSends(.text("a"), .text("b"))
        _ = try? harness.channel.close().wait()
        #expect(self.texts(harness) == ["a", "b"])
        #expect(harness.summary?.code == .abnormalClosure)
    }

    @Test func aFullOutboundBufferPausesReadingUntilItDrains() throws {
        let harness = try Harness()
        harness.channel.isWritable = false
        harness.channel.pipeline.fireChannelWritabilityChanged()
        try harness.serverSends(.ping([1]), .text("after the ping"))
        #expect(self.texts(harness).isEmpty, "the ping's pong filled the buffer: reading stopped")
        harness.channel.isWritable = true
        harness.channel.pipeline.fireChannelWritabilityChanged()
        harness.loop.advanceTime(by: TurnQueue.gap)
        #expect(self.texts(harness) == ["after the ping"])
    }

    @Test func aLongReadIsParsedInTurnsWithTheLoopFreeInBetween() throws {
        // A budget of nothing: the turn is over at the first clock check, every 8 messages.
        let harness = try Harness(turnBudget: .zero)
        try harness.serverSends((0..<20).map { ServerFrame.text("\($0)") }.bytes)
        #expect(self.texts(harness).count == 8, "one turn, then the loop is free")
        harness.loop.advanceTime(by: TurnQueue.gap)
        #expect(self.texts(harness).count == 16, "the next round")
        harness.loop.advanceTime(by: TurnQueue.gap)
        #expect(self.texts(harness) == (0..<20).map { "\($0)" }, "everything, in order")
    }
}
