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
}
