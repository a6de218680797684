import Testing
import WSMonClient
import WSMonCore
import WSMonLab

/// The lab's `/deflate/…` scenarios, each against the client with its default offer.
@Suite("permessage-deflate lab scenarios")
struct LabDeflateScenarioTests {
    private func run(
        _ path: String,
        configure: (inout SessionOptions) -> Void = { _ in },
        react: @escaping @Sendable (SessionEvent, Session) -> Void = { _, _ in },
        until condition: ([SessionEvent]) -> Bool
    ) async throws -> (events: [SessionEvent], lab: [LabConnectionRecord]) {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        recorder.start(try LabScenarioTests.options(lab.url(path), configure), react: react)
        let events = try await recorder.wait(until: condition)
        return (events, lab.records())
    }

    private static func agreed(_ events: [SessionEvent]) -> PerMessageDeflateParameters? {
        events.lazy.compactMap {
            if case .opened(let response, _, _) = $0.kind { return response.deflate } else { return nil }
        }
        .first
    }

    private static func frames(_ events: [SessionEvent]) -> [FrameRecord] {
        events.compactMap {
            if case .connection(.frame(let record)) = $0.kind, !record.opcode.isControl { return record }
            return nil
        }
    }

    private static func violations(_ events: [SessionEvent]) -> [PeerViolation] {
        events.compactMap {
            if case .connection(.violation(let violation)) = $0.kind { return violation } else { return nil }
        }
    }

    @Test func deflateOnCompressesTheFeedAndTheEcho() async throws {
        let echo = String(repeating: "echo me ", count: 100)
        let (events, lab) = try await self.run(
            "/deflate/on?rate=50&size=600",
            react: { event, session in
                if case .opened = event.kind { session.send(.text(echo)) }
            },
            until: { $0.texts.contains(echo) && $0.texts.count >= 3 }
        )
        let agreed = try #require(Self.agreed(events))
        #expect(agreed.clientMaxWindowBits == 15)
        let received = Self.frames(events).filter { $0.direction == .inbound }
        #expect(received.allSatisfy { $0.rsv == 4 && $0.length < $0.messageSize ?? 0 })
        #expect(lab.first?.framesReceived.first { $0.opcode == 1 }?.rsv1 == true)
        #expect(lab.first?.messagesReceived == [echo])
    }

    @Test func bareAnswerOpensWithTheDefaults() async throws {
        let (events, _) = try await self.run("/deflate/bare?rate=50", until: { $0.texts.count >= 2 })
        let agreed = try #require(Self.agreed(events))
        #expect(agreed.accepted.isEmpty && agreed.serverMaxWindowBits == 15 && agreed.clientMaxWindowBits == 15)
    }

    @Test func windowBits8WorksBothWays() async throws {
        let long = (0..<400).map { "item \($0 % 37) of a long list" }.joined(separator: ", ")
        let (events, lab) = try await self.run(
            "/deflate/window-8?rate=50",
            react: { event, session in
                if case .opened = event.kind { session.send(.text(long)) }
            },
            until: { $0.texts.contains(long) && $0.texts.count >= 3 }
        )
        let agreed = try #require(Self.agreed(events))
        #expect(agreed.serverMaxWindowBits == 8 && agreed.clientMaxWindowBits == 8)
        #expect(lab.first?.messagesReceived == [long])
        #expect(Self.violations(events).isEmpty)
    }

    @Test func noContextTakeoverBothWays() async throws {
        let (events, _) = try await self.run(
            "/deflate/no-context-takeover?rate=50",
            react: { event, session in
                if case .opened = event.kind {
                    session.send(.text("one one one one"))
                    session.send(.text("one one one one"))
                }
            },
            until: { $0.texts.filter { $0 == "one one one one" }.count == 2 }
        )
        let agreed = try #require(Self.agreed(events))
        #expect(agreed.serverNoContextTakeover && agreed.clientNoContextTakeover)
        let sent = Self.frames(events).filter { $0.direction == .outbound }
        #expect(sent.count == 2 && sent[0].length == sent[1].length)
    }

    @Test func rsv1WithoutNegotiationIsAViolation() async throws {
        let (events, _) = try await self.run("/deflate/rsv1-unnegotiated", until: { $0.stopped != nil })
        #expect(Self.agreed(events) == nil)
        #expect(Self.violations(events) == [.reservedBitsSet(4)])
        #expect(events.closeSummaries.first?.sent?.code == .protocolError)
    }

    @Test func uncompressedMessageMidStreamIsDelivered() async throws {
        let (events, _) = try await self.run("/deflate/uncompressed-mid-stream", until: { $0.texts.count == 3 })
        #expect(
            events.texts == ["first, compressed", "second, sent plain in a compressed session", "third, compressed"]
        )
        #expect(Self.frames(events).filter { $0.direction == .inbound }.map(\.rsv) == [4, 0, 4])
    }

    @Test func bombFailsWith1009AtTheLimit() async throws {
        let (events, _) = try await self.run(
            "/deflate/bomb",
            configure: { $0.connection.maxMessageSize = 1 << 20 },
            until: { $0.stopped != nil }
        )
        #expect(events.texts == ["before the bomb"])
        #expect(Self.violations(events) == [.inflatedMessageTooLarge(limit: 1 << 20)])
        #expect(events.closeSummaries.first?.sent?.code == .messageTooBig)
    }

    @Test func corruptDataFailsWith1007() async throws {
        let (events, _) = try await self.run("/deflate/corrupt", until: { $0.stopped != nil })
        #expect(events.texts == ["before the corrupt message"])
        #expect(Self.violations(events).map(\.name) == ["corrupt_compressed_data"])
        #expect(events.closeSummaries.first?.sent?.code == .invalidPayloadData)
    }
}
