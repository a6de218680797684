import Foundation
import NIOPosix
import Testing
import WSMonClient
import WSMonCore

@testable import WSMonMonitor

/// One cause per closed connection, from the fixed list, and hints only where the facts
/// support one.
@Suite("Close causes")
struct CloseCauseTests {
    static let bye = CloseFrame(code: CloseCode(1001), reason: "bye")

    @Test func eachWayAConnectionEndsHasItsCause() {
        let cases: [(CloseSummary, String?, CloseCause)] = [
            (
                CloseSummary(initiator: .remote, sent: Self.bye, received: Self.bye, transportClosedBy: .peer), nil,
                .peerClose
            ),
            (
                CloseSummary(initiator: .local, sent: Self.bye, received: Self.bye, transportClosedBy: .peer), nil,
                .localClose
            ),
            (
                CloseSummary(
                    initiator: .local,
                    failure: .aborted(reason: "dropped by the user"),
                    transportClosedBy: .local
                ),
                nil, .localClose
            ),
            (
                CloseSummary(
                    initiator: .failure,
                    sent: CloseFrame(code: .internalError, reason: "keepalive ping timeout"),
                    failure: .local(code: .internalError, reason: "keepalive ping timeout"),
                    transportClosedBy: .local
                ), nil, .keepaliveTimeout
            ),
            (
                CloseSummary(
                    initiator: .local,
                    sent: Self.bye,
                    closeTimeoutFiredIn: .closing,
                    transportClosedBy: .local
                ),
                nil, .closeTimeout
            ),
            (
                CloseSummary(initiator: .transport, transportClosedBy: .peer),
                "read(descriptor:pointer:size:): Connection reset by peer (errno: 104)", .tcpReset
            ),
            (CloseSummary(initiator: .transport, transportClosedBy: .peer), nil, .eofWithoutClose),
            (
                CloseSummary(
                    initiator: .failure,
                    sent: CloseFrame(code: .protocolError, reason: ""),
                    failure: .peerViolation(.maskedFrame),
                    transportClosedBy: .peer
                ), nil, .protocolViolation
            ),
        ]
        for (summary, transportError, expected) in cases {
            #expect(CloseCause(summary, transportError: transportError) == expected, "\(summary)")
        }
    }

    @Test func plainWordsAndHints() {
        #expect(CloseCause.eofWithoutClose.words(code: 1006) == "1006 transport closed by peer without Close")
        #expect(CloseCause.peerClose.words(code: 1001) == "peer Close 1001 going away")
        #expect(CloseCause.handshakeRejected.words(code: 503) == "handshake rejected with 503")
        #expect(CloseCause.eofWithoutClose.hint(code: 1006, silentFor: 1) == nil, "a second of silence says nothing")
        #expect(
            CloseCause.eofWithoutClose.hint(code: 1006, silentFor: 60.2)
                == "silent for 60 s before it was cut: an idle timeout on the way?"
        )
        #expect(CloseCause.localClose.hint(code: 1000, silentFor: 100) == nil)
    }

    @Test func theMonitorNamesTheCauseInTheRowAndTheTimeline() async throws {
        let monitor = Monitor()
        let options = SessionOptions(url: try WebSocketURL(parsing: "ws://example.com/feed"), name: "feed")
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let sink = monitor.register(id: 1, options: options, on: loop)
        let start = Date().timeIntervalSince1970.rounded(.down) - 100
        let response = HandshakeResponse(
            statusCode: 101,
            reasonPhrase: "Switching Protocols",
            headers: HTTPHeaders(),
            subprotocol: nil
        )
        let events: [(Double, SessionEvent.Kind)] = [
            (0, .opened(response, isReconnect: false)),
            (
                10,
                .connection(
                    .frame(FrameRecord(direction: .inbound, opcode: .text, fin: true, masked: false, length: 3))
                )
            ),
            (70, .closed(CloseSummary(initiator: .transport, transportClosedBy: .peer), transportError: nil)),
        ]
        for (offset, kind) in events {
            let event = SessionEvent(
                time: Date(timeIntervalSince1970: start + offset),
                session: 1,
                connection: 1,
                kind: kind
            )
            try await loop.submit { sink(event) }.get()
        }
        monitor.watch(1)
        let snapshot = await monitor.collect()
        #expect(snapshot.sessions.first?.lastCloseCause == .eofWithoutClose)
        let timeline = try #require(snapshot.detail?.closeTimelines.last)
        #expect(timeline.cause == .eofWithoutClose)
        #expect(timeline.hint == "silent for 60 s before it was cut: an idle timeout on the way?")
    }
}
