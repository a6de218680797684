import Foundation
import Testing
import WSMonClient
import WSMonCore

@testable import WSMonCommand

/// JSON Lines that say what a person needs: a rejection's body and redirect, sent
/// messages, and escapes a pager cannot be fooled by.
@Suite("JSON Lines for reading")
struct EventLineReadingTests {
    static func line(_ kind: SessionEvent.Kind) throws -> [String: Any] {
        let prefix = EventLine.SessionPrefix(session: 3, name: "auth", tls: nil)
        let event = SessionEvent(
            time: Date(timeIntervalSince1970: 1_796_126_400),
            session: 3,
            connection: 1,
            kind: kind
        )
        let bytes = try #require(EventLine().encode(event, prefix: prefix))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func aRejectionCarriesItsBodyAndLocationAndTheDetailNamesThem() throws {
        let rejection = HandshakeRejection(
            statusCode: 302,
            reasonPhrase: "Found",
            headers: HTTPHeaders([("Location", "wss://login.example/ws")]),
            retryAfter: nil,
            bodyPreview: Array("missing bearer token: see docs\n".utf8),
            bodyTruncated: false
        )
        let object = try Self.line(.connectFailed(.handshakeRejected(rejection)))
        #expect(object["event"] as? String == "connect_failed")
        #expect(object["status"] as? Int == 302)
        #expect(object["location"] as? String == "wss://login.example/ws")
        #expect(object["body"] as? String == "missing bearer token: see docs")
        #expect(
            object["detail"] as? String
                == "handshake rejected: HTTP 302 Found, Location wss://login.example/ws: missing bearer token: see docs"
        )
    }

    @Test func sentMessagesAreLinesOfTheirOwn() throws {
        let object = try Self.line(.messageSent(.text(#"{"op":"subscribe"}"#)))
        #expect(object["event"] as? String == "message_sent")
        #expect(object["opcode"] as? String == "text")
        #expect(object["preview"] as? String == #"{"op":"subscribe"}"#)
        let binary = try Self.line(.messageSent(.binary([0x0A, 0x1B])))
        #expect(binary["preview_hex"] as? String == "0a1b")
    }

    @Test func aMessagePreviewEscapesBidiOverrides() throws {
        let prefix = EventLine.SessionPrefix(session: 1, name: "x", tls: nil)
        let event = SessionEvent(time: Date(), session: 1, connection: 1, kind: .connection(.text("a\u{202E}b")))
        let text = String(decoding: try #require(EventLine().encode(event, prefix: prefix)), as: UTF8.self)
        #expect(text.contains(#""preview":"a\u202eb""#), "\(text)")
        #expect(!text.unicodeScalars.contains("\u{202E}"))
    }

    @Test func openSaysWhatPermessageDeflateAgreed() throws {
        var agreed = PerMessageDeflateParameters()
        agreed.serverMaxWindowBits = 10
        agreed.clientNoContextTakeover = true
        agreed.accepted = [
            ExtensionParameter(name: "server_max_window_bits", value: "10"),
            ExtensionParameter(name: "client_no_context_takeover"),
        ]
        let response = HandshakeResponse(
            statusCode: 101,
            reasonPhrase: "Switching Protocols",
            headers: HTTPHeaders(),
            subprotocol: nil,
            deflate: agreed
        )
        let object = try Self.line(.opened(response, isReconnect: false))
        #expect(object["deflate"] as? Bool == true)
        #expect(
            object["extension"] as? String
                == "permessage-deflate; server_max_window_bits=10; client_no_context_takeover"
        )
        #expect(object["deflate_server_max_window_bits"] as? Int == 10)
        #expect(object["deflate_client_max_window_bits"] as? Int == 15)
        #expect(object["deflate_server_no_context_takeover"] as? Bool == false)
        #expect(object["deflate_client_no_context_takeover"] as? Bool == true)
        let plain = try Self.line(
            .opened(
                HandshakeResponse(statusCode: 101, reasonPhrase: "", headers: HTTPHeaders(), subprotocol: nil),
                isReconnect: true
            )
        )
        #expect(plain["deflate"] as? Bool == false)
        #expect(plain["extension"] == nil)
    }

    @Test func messagesAndFramesCarryTheirWireSize() throws {
        let prefix = EventLine.SessionPrefix(session: 1, name: "x", tls: nil)
        func encode(_ kind: SessionEvent.Kind) throws -> [String: Any]? {
            let event = SessionEvent(time: Date(), session: 1, connection: 1, kind: kind)
            guard let bytes = EventLine(includeFrames: true).encode(event, prefix: prefix) else { return nil }
            return try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        }
        // A compressed message in two frames: 130 + 20 payload bytes, 2,000 inflated.
        let first = FrameRecord(direction: .inbound, opcode: .text, fin: false, rsv: 4, masked: false, length: 130)
        let last = FrameRecord(
            direction: .inbound,
            opcode: .continuation,
            fin: true,
            masked: false,
            length: 20,
            messageSize: 2000
        )
        let firstLine = try #require(try encode(.connection(.frame(first))))
        #expect(firstLine["wire_size"] as? Int == 134)
        #expect(firstLine["message_size"] == nil)
        let lastLine = try #require(try encode(.connection(.frame(last))))
        #expect(lastLine["wire_size"] as? Int == 22)
        #expect(lastLine["message_size"] as? Int == 2000)
        let message = try #require(try encode(.connection(.text(String(repeating: "a", count: 2000)))))
        #expect(message["size"] as? Int == 2000)
        #expect(message["wire_size"] as? Int == 156)
        // The next message counts from zero.
        _ = try encode(
            .connection(.frame(FrameRecord(direction: .inbound, opcode: .text, fin: true, masked: false, length: 5)))
        )
        #expect(try encode(.connection(.text("hello")))?["wire_size"] as? Int == 7)
    }
}
