import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonLab
import WSMonTestSupport

/// The five scenarios against servers nobody here wrote: Python websockets, aiohttp and
/// Node ws (Tests/Peers), started on loopback by the tests.
@Suite("Client against third-party servers", .serialized)
struct PeerScenarioTests {
    static let peers: [String] = ["websockets", "aiohttp", "node ws"]

    static func startPeer(_ name: String) async throws -> PeerProcess {
        switch name {
        case "node ws": return try await PeerProcess.start(["node", TestPaths.file("Tests/Peers/node_peer.js")])
        default:
            return try await PeerProcess.start(["python3", TestPaths.file("Tests/Peers/python_peer.py"), "--lib", name])
        }
    }

    static func url(_ port: Int, _ path: String) -> String { "ws://127.0.0.1:\(port)\(path)" }

    @Test("1. last message before Close", arguments: peers)
    func lastMessageBeforeClose(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let recorder = SessionRecorder()
        recorder.start(
            try LabScenarioTests.options(Self.url(server.port, "/last-message-then-close?code=1000&reason=bye"))
        )
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.texts == ["last message"])
        let textIndex = try #require(
            events.firstIndex { if case .connection(.text) = $0.kind { return true } else { return false } }
        )
        let closeIndex = try #require(
            events.firstIndex { if case .connection(.closeReceived) = $0.kind { return true } else { return false } }
        )
        #expect(textIndex < closeIndex)
        let summary = try #require(events.closeSummaries.first)
        #expect(summary.initiator == .remote)
        #expect(summary.code == .normalClosure)
        #expect(summary.reason == "bye")
        #expect(summary.wasClean)
    }

    @Test("2. crossing closes: one Close frame on the wire", arguments: peers)
    func crossingCloses(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let tap = try await WireTap.start(upstreamPort: server.port)
        defer { tap.stop() }
        let recorder = SessionRecorder()
        recorder.start(try LabScenarioTests.options(Self.url(tap.port, "/echo?close-after=0&code=1001"))) {
            event,
            session in
            if case .opened = event.kind { session.close(code: CloseCode(4000), reason: "client") }
        }
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.closeFramesSent == 1)
        // Once the tap has closed both sides, it has seen every frame the client sent.
        let wire = try await tap.records(once: { $0.isFinished() })
        let clientFrames = wire.frames(.clientToServer)
        #expect(
            clientFrames.count { $0.isClose } == 1,
            "the wire shows:\n\(wire.map(\.description).joined(separator: "\n"))"
        )
        #expect(clientFrames.allSatisfy { $0.isMasked })
    }

    @Test("3. Close without FIN: torn down after the grace", arguments: peers)
    func halfClose(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let recorder = SessionRecorder()
        recorder.start(try LabScenarioTests.options(Self.url(server.port, "/half-close?after=0.1")))
        let events = try await recorder.wait(timeout: .seconds(5)) { $0.stopped != nil }
        let summary = try #require(events.closeSummaries.first)
        #expect(summary.closeTimeoutFiredIn == .closedAwaitingTransport)
        #expect(summary.transportClosedBy == .local)
    }

    @Test("4. reconnect after a server Close", arguments: peers)
    func reconnectAfterServerClose(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let recorder = SessionRecorder()
        let session = recorder.start(
            try LabScenarioTests.options(Self.url(server.port, "/echo?close-after=0.1&code=1011&reason=pong%20timeout"))
            {
                $0.reconnect.isEnabled = true
            }
        )
        defer { session.close() }
        let events = try await recorder.wait { $0.opens.count >= 2 }
        #expect(events.closeSummaries.first?.code == .internalError)
        #expect(events.opens.prefix(2).map(\.isReconnect) == [false, true])
    }

    @Test("5. reconnect messages on the second connection", arguments: peers)
    func openVersusReconnect(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let recorder = SessionRecorder()
        let session = recorder.start(
            try LabScenarioTests.options(Self.url(server.port, "/record?close-after=0.15")) {
                $0.reconnect.isEnabled = true
                $0.messagesOnOpen = [.text("subscribe")]
                $0.messagesOnReconnect = [.text("resubscribe")]
            }
        )
        try await recorder.wait { $0.opens.count >= 2 && $0.texts.count >= 2 }
        session.close()
        try await recorder.wait { $0.stopped != nil }

        let logReader = SessionRecorder()
        logReader.start(try LabScenarioTests.options(Self.url(server.port, "/log")))
        let logEvents = try await logReader.wait { $0.stopped != nil }
        let json = try #require(logEvents.texts.first)
        let connections = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let messages = connections.map { $0["messages"] as? [String] ?? [] }
        #expect(Array(messages.prefix(2)) == [["subscribe"], ["resubscribe"]], "the server saw \(messages)")
    }
}
