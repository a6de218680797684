import Foundation
import Testing
import WSMonClient
import WSMonCore
import WSMonLab
import WSMonTestSupport

/// permessage-deflate against servers nobody here wrote: Python websockets (its default),
/// aiohttp (`compress=15`) and Node ws (`perMessageDeflate: true`), each behind a WireTap so
/// the frames are checked as they crossed the wire.
@Suite("permessage-deflate against third-party servers", .serialized)
struct DeflatePeerTests {
    static func startPeer(_ name: String) async throws -> PeerProcess {
        switch name {
        case "node ws":
            return try await PeerProcess.start(["node", TestPaths.file("Tests/Peers/node_peer.js"), "--deflate"])
        default:
            return try await PeerProcess.start(["python3", TestPaths.file("Tests/Peers/python_peer.py"), "--lib", name])
        }
    }

    /// Compressible, and over ws's 1 KiB threshold.
    static let text = (0..<60).map { #"{"channel":"trades","symbol":"ETH-USD","price":\#(3000 + $0 % 7)}"# }.joined()
    static let binary = Array(repeating: Array("binary payload ".utf8), count: 200).flatMap { $0 }

    @Test("messages both ways are compressed on the wire and arrive whole", arguments: PeerScenarioTests.peers)
    func messagesBothWays(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let tap = try await WireTap.start(upstreamPort: server.port)
        defer { tap.stop() }
        let recorder = SessionRecorder()
        recorder.start(try LabScenarioTests.options("ws://127.0.0.1:\(tap.port)/echo")) { event, session in
            if case .opened = event.kind {
                session.send(.text(Self.text))
                session.send(.binary(Self.binary))
            }
            if case .connection(.binary) = event.kind { session.close(code: .normalClosure, reason: "done") }
        }
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.texts == [Self.text])
        let opened = events.compactMap {
            if case .opened(let response, _, _) = $0.kind { return response } else { return nil }
        }
        let agreed = try #require(opened.first?.deflate, "\(peer) did not accept permessage-deflate")
        #expect(agreed.serverMaxWindowBits >= 8)
        #expect(try #require(events.closeSummaries.first).wasClean)

        // Our frame records: RSV1 and a wire size below the inflated size, both ways.
        let records = events.compactMap {
            if case .connection(.frame(let record)) = $0.kind, !record.opcode.isControl { return record }
            return nil
        }
        for record in records {
            #expect(record.rsv == 4, "\(record)")
            let size = try #require(record.messageSize)
            #expect(record.length < size, "\(record)")
        }
        #expect(records.count == 4)

        // The wire, as the tap saw it: every data frame each way has RSV1 and is smaller
        // than the message it carries.
        let wire = try await tap.records(once: { $0.isFinished() })
        for direction in [WireDirection.clientToServer, .serverToClient] {
            let data = wire.frames(direction).filter { $0.opcode == 0x1 || $0.opcode == 0x2 }
            #expect(data.count == 2, "\(direction): \(wire.map(\.description).joined(separator: "\n"))")
            #expect(data.allSatisfy { $0.rsv == 4 })
            #expect(data.first.map { $0.length < UInt64(Self.text.utf8.count) } == true)
            #expect(data.last.map { $0.length < UInt64(Self.binary.count) } == true)
        }
        #expect(wire.frames(.serverToClient).filter { $0.opcode >= 0x8 }.allSatisfy { $0.rsv == 0 })
    }

    @Test("--no-deflate offers nothing and the server sends plain frames", arguments: PeerScenarioTests.peers)
    func deflateOff(peer: String) async throws {
        let server = try await Self.startPeer(peer)
        defer { server.stop() }
        let tap = try await WireTap.start(upstreamPort: server.port)
        defer { tap.stop() }
        let recorder = SessionRecorder()
        let options = try LabScenarioTests.options("ws://127.0.0.1:\(tap.port)/echo") { $0.connection.deflate = nil }
        recorder.start(options) { event, session in
            if case .opened = event.kind { session.send(.text(Self.text)) }
            if case .connection(.text) = event.kind { session.close(code: .normalClosure, reason: "done") }
        }
        let events = try await recorder.wait { $0.stopped != nil }
        #expect(events.texts == [Self.text])
        let wire = try await tap.records(once: { $0.isFinished() })
        #expect(wire.frames(.serverToClient).allSatisfy { $0.rsv == 0 })
        #expect(wire.frames(.serverToClient).contains { $0.length == UInt64(Self.text.utf8.count) })
    }
}
