import Foundation
import Testing
import WSMonTestSupport

/// The binary against servers nobody here wrote (Tests/Peers): Python websockets, aiohttp
/// and Node ws.
@Suite("wsmon --headless against third-party servers", .serialized)
struct HeadlessPeerTests {
    static let peers = ["websockets", "aiohttp", "node ws"]

    static func startPeer(_ name: String) async throws -> PeerProcess {
        if name == "node ws" {
            return try await PeerProcess.start(["node", TestPaths.file("Tests/Peers/node_peer.js")])
        }
        return try await PeerProcess.start(["python3", TestPaths.file("Tests/Peers/python_peer.py"), "--lib", name])
    }

    @Test("the last message precedes the close", arguments: peers)
    func lastMessageBeforeClose(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let result = try await WSMonProcess.run([
            "--headless", "--no-reconnect",
            "ws://127.0.0.1:\(server.port)/last-message-then-close?code=1000&reason=bye",
        ])
        let events = result.events
        let message = try #require(events.firstIndex { $0["event"] as? String == "message" })
        let close = try #require(events.firstIndex { $0["event"] as? String == "close_received" })
        #expect(message < close)
        #expect(result.events("close_sent").count == 1)
        #expect(result.events("closed").first?["clean"] as? Bool == true)
        #expect(result.status == 0)
    }

    @Test("reconnect after a server Close sends the reconnect messages", arguments: peers)
    func reconnectMessages(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let result = try await WSMonProcess.run([
            "--headless", "--send-on-open", "subscribe", "--send-on-reconnect", "resubscribe", "--backoff-initial",
            "0.05s", "--close-after", "2.5s", "ws://127.0.0.1:\(server.port)/record?close-after=0.3&code=1011",
        ])
        #expect(result.events("closed").first?["code"] as? Int == 1011)
        #expect(result.events("open").prefix(2).map { $0["reconnect"] as? Bool } == [false, true])
        let log = try await WSMonProcess.run([
            "--headless", "--no-reconnect", "--preview-length", "100000", "ws://127.0.0.1:\(server.port)/log",
        ])
        let json = try #require(log.events("message").first?["preview"] as? String)
        let connections = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let messages = connections.prefix(2).map { $0["messages"] as? [String] ?? [] }
        #expect(messages == [["subscribe"], ["resubscribe"]], "the server saw \(messages)")
    }
}
