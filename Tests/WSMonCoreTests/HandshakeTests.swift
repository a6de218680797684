import Testing
import WSMonCore
import WSMonTestSupport

@Suite("Opening handshake")
struct HandshakeTests {
    private func request(
        _ url: String,
        options: ConnectionOptions = ConnectionOptions(),
        seed: UInt64 = 1
    ) throws
        -> String
    {
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: url),
            options: options,
            random: SeededRandom(seed: seed)
        )
        return String(decoding: connection.takeBytesToSend(), as: UTF8.self)
    }

    @Test func requestCarriesTheRequiredFieldsInOrder() throws {
        let text = try self.request("ws://example.com/chat?room=1")
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "GET /chat?room=1 HTTP/1.1")
        #expect(lines[1] == "Host: example.com")
        #expect(lines[2] == "Upgrade: websocket")
        #expect(lines[3] == "Connection: Upgrade")
        #expect(lines[4].hasPrefix("Sec-WebSocket-Key: "))
        #expect(lines[5] == "Sec-WebSocket-Version: 13")
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test(arguments: [
        ("ws://example.com", "Host: example.com", "GET / HTTP/1.1"),
        ("ws://example.com:8080/a/b", "Host: example.com:8080", "GET /a/b HTTP/1.1"),
        ("wss://example.com:443/x", "Host: example.com", "GET /x HTTP/1.1"),
        ("wss://example.com:8443?q=1", "Host: example.com:8443", "GET /?q=1 HTTP/1.1"),
        ("ws://[::1]:9001/getCaseCount", "Host: [::1]:9001", "GET /getCaseCount HTTP/1.1"),
        ("WS://Example.com:80/", "Host: Example.com", "GET / HTTP/1.1"),
    ])
    func hostHasThePortOnlyWhenNotTheDefault(url: String, host: String, requestLine: String) throws {
        let text = try self.request(url)
        #expect(text.hasPrefix(requestLine + "\r\n"))
        #expect(text.contains("\r\n\(host)\r\n"))
    }

    @Test func keyIsSixteenFreshRandomBytesInBase64() throws {
        let first = try ClientConnection(url: try WebSocketURL(parsing: "ws://h/"))
        let second = try ClientConnection(url: try WebSocketURL(parsing: "ws://h/"))
        #expect(first.request.key.count == 24)
        #expect(first.request.key.hasSuffix("=="))
        #expect(first.request.key != second.request.key)
    }

    @Test func acceptIsComputedAsTheRFCExampleShows() {
        // RFC 6455 §1.3.
        #expect(HandshakeRequest.accept(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func optionalFieldsAreSent() throws {
        var options = ConnectionOptions()
        options.origin = "https://example.com"
        options.subprotocols = ["chat", "superchat"]
        options.extraHeaders = [.init(name: "Authorization", value: "Bearer t0k3n")]
        let text = try self.request("ws://example.com/", options: options)
        #expect(text.contains("\r\nOrigin: https://example.com\r\n"))
        #expect(text.contains("\r\nSec-WebSocket-Protocol: chat, superchat\r\n"))
        #expect(text.contains("\r\nAuthorization: Bearer t0k3n\r\n"))
    }

    @Test func headerInjectionAndProtocolFieldsAreRefused() {
        var injected = ConnectionOptions()
        injected.extraHeaders = [.init(name: "X-A", value: "1\r\nX-B: 2")]
        #expect(throws: HandshakeRequest.InvalidHeader.invalidValue(name: "X-A")) {
            try ClientConnection(url: try! WebSocketURL(parsing: "ws://h/"), options: injected)
        }
        var reserved = ConnectionOptions()
        reserved.extraHeaders = [.init(name: "Sec-WebSocket-Key", value: "x")]
        #expect(throws: HandshakeRequest.InvalidHeader.reserved("Sec-WebSocket-Key")) {
            try ClientConnection(url: try! WebSocketURL(parsing: "ws://h/"), options: reserved)
        }
        var badName = ConnectionOptions()
        badName.extraHeaders = [.init(name: "Bad Name", value: "x")]
        #expect(throws: HandshakeRequest.InvalidHeader.invalidName("Bad Name")) {
            try ClientConnection(url: try! WebSocketURL(parsing: "ws://h/"), options: badName)
        }
    }

    @Test(arguments: [
        ("http://example.com/", WebSocketURL.ParseError.unsupportedScheme("http")),
        ("ws://example.com/#frag", .fragmentNotAllowed),
        ("ws:///path", .missingHost),
        ("ws://example.com:0/", .invalidPort("0")),
        ("ws://example.com:99999/", .invalidPort("99999")),
        ("ws://user:pw@example.com/", .userInfoNotAllowed),
        ("ws://exa mple.com/", .invalidCharacter(" ")),
    ])
    func badURLsAreRefusedWithAReason(url: String, error: WebSocketURL.ParseError) {
        #expect(throws: error) { try WebSocketURL(parsing: url) }
    }

    @Test func responseParsedOneByteAtATimeOpensTheConnection() throws {
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://example.com/"),
            random: SeededRandom()
        )
        _ = connection.takeBytesToSend()
        let response = acceptingResponse(for: connection) + ServerFrame.text("hi").bytes
        for byte in response { connection.receive([byte]) }
        let events = connection.takeEvents().withoutFrames
        #expect(connection.state == .open)
        guard case .opened(let accepted) = events.first else {
            Issue.record("expected .opened, got \(events)")
            return
        }
        #expect(accepted.statusCode == 101)
        #expect(events.dropFirst() == [.text("hi")])
    }

    @Test func framesInTheSameReadAsTheResponseAreParsed() throws {
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://example.com/"),
            random: SeededRandom()
        )
        _ = connection.takeBytesToSend()
        let events = connection.feed(
            acceptingResponse(for: connection) + [ServerFrame.text("a"), .binary([1, 2])].bytes
        )
        #expect(events.withoutFrames.dropFirst() == [.text("a"), .binary([1, 2])])
    }

    @Test func frameByFrameDeliveryStopsAfterTheOpen() throws {
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://example.com/"),
            random: SeededRandom()
        )
        _ = connection.takeBytesToSend()
        let response = acceptingResponse(for: connection)
        let bytes = response + [ServerFrame.text("first"), .close(1000)].bytes
        let consumed = bytes.withUnsafeBytes { connection.receive($0, stoppingAfterMessage: true) }
        #expect(consumed == response.count, "the frames wait until the caller has reacted to the open")
        #expect(connection.takeEvents().count == 1)
        try connection.sendText("subscribe")
        _ = bytes[consumed...].withUnsafeBytes { connection.receive($0, stoppingAfterMessage: false) }
        #expect(connection.sentFrames().map(\.text).first == "subscribe", "sent before the Close reply")
    }

    @Test func headerNamesAndTokensCompareCaseInsensitively() throws {
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://example.com/"),
            random: SeededRandom()
        )
        _ = connection.takeBytesToSend()
        let head =
            "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\n"
            + "sec-websocket-accept: \(connection.request.expectedAccept)\r\n\r\n"
        connection.receive(Array(head.utf8))
        #expect(connection.state == .open)
    }

    private func failure(forHead head: String, subprotocols: [String] = []) throws -> HandshakeFailure? {
        var options = ConnectionOptions()
        options.subprotocols = subprotocols
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://example.com/"),
            options: options,
            random: SeededRandom()
        )
        _ = connection.takeBytesToSend()
        let text = head.replacing("ACCEPT", with: connection.request.expectedAccept)
        let events = connection.feed(Array(text.utf8))
        #expect(connection.state == .closed)
        #expect(connection.shouldCloseTransport)
        for case .handshakeFailed(let failure) in events { return failure }
        return nil
    }

    @Test func invalidResponsesFailWithAPreciseReason() throws {
        let ok = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        #expect(
            try self.failure(forHead: "HTTP/1.1 101 OK\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ACCEPT\r\n\r\n")
                == .upgradeHeaderMissingOrInvalid(nil)
        )
        #expect(
            try self.failure(
                forHead:
                    "HTTP/1.1 101 OK\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ACCEPT\r\n\r\n"
            )
                == .upgradeHeaderMissingOrInvalid("h2c")
        )
        #expect(
            try self.failure(forHead: "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ACCEPT\r\n\r\n")
                == .connectionHeaderMissingOrInvalid(nil)
        )
        #expect(try self.failure(forHead: "HTTP/1.1 101 OK\r\n\(ok)\r\n") == .acceptMissing)
        let mismatch = try self.failure(forHead: "HTTP/1.1 101 OK\r\n\(ok)Sec-WebSocket-Accept: bogus\r\n\r\n")
        guard case .acceptMismatch(_, "bogus") = mismatch else {
            Issue.record("got \(String(describing: mismatch))")
            return
        }
        #expect(
            try self.failure(
                forHead: "HTTP/1.1 101 OK\r\n\(ok)Sec-WebSocket-Accept: ACCEPT\r\nSec-WebSocket-Protocol: v2\r\n\r\n",
                subprotocols: ["v1"]
            )
                == .subprotocolNotOffered("v2")
        )
        #expect(
            try self.failure(
                forHead: "HTTP/1.1 101 OK\r\n\(ok)Sec-WebSocket-Accept: ACCEPT\r\nSec-WebSocket-Protocol: v2\r\n\r\n"
            )
                == .subprotocolNotOffered("v2")
        )
        #expect(
            try self.failure(
                forHead:
                    "HTTP/1.1 101 OK\r\n\(ok)Sec-WebSocket-Accept: ACCEPT\r\nSec-WebSocket-Protocol: v1, v2\r\n\r\n",
                subprotocols: ["v1", "v2"]
            )
                == .multipleSubprotocols("v1, v2")
        )
        #expect(
            try self.failure(
                forHead:
                    "HTTP/1.1 101 OK\r\n\(ok)Sec-WebSocket-Accept: ACCEPT\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"
            )
                == .extensionNotOffered("permessage-deflate")
        )
        #expect(try self.failure(forHead: "SSH-2.0-OpenSSH\r\n") == .malformedStatusLine("SSH-2.0-OpenSSH"))
        #expect(
            try self.failure(forHead: "HTTP/1.1 101 OK\r\nno colon here\r\n\r\n")
                == .malformedHeaderLine("no colon here")
        )
        #expect(
            try self.failure(forHead: "HTTP/1.1 101 OK\r\nX: " + String(repeating: "a", count: 20_000))
                == .responseHeadTooLarge(limit: 16384)
        )
    }

    @Test func selectedSubprotocolIsReported() throws {
        var options = ConnectionOptions()
        options.subprotocols = ["v1", "v2"]
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://example.com/"),
            options: options,
            random: SeededRandom()
        )
        _ = connection.takeBytesToSend()
        connection.receive(acceptingResponse(for: connection, extraHeaders: "Sec-WebSocket-Protocol: v2\r\n"))
        #expect(connection.response?.subprotocol == "v2")
    }

    @Test func eofDuringTheHandshakeIsAFailureNotARejection() throws {
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://example.com/"),
            random: SeededRandom()
        )
        _ = connection.takeBytesToSend()
        connection.receive(Array("HTTP/1.1 10".utf8))
        connection.receiveEOF()
        let events = connection.takeEvents()
        #expect(events.first == .handshakeFailed(.connectionClosedDuringHandshake(bytesReceived: 11)))
        #expect(events.summary?.transportClosedBy == .peer)
        #expect(events.summary?.code == .abnormalClosure)
    }

    private func rejection(_ response: String, eof: Bool = false) throws -> HandshakeRejection? {
        var connection = try ClientConnection(
            url: try WebSocketURL(parsing: "ws://example.com/"),
            random: SeededRandom()
        )
        _ = connection.takeBytesToSend()
        for byte in response.utf8 { connection.receive([byte]) }
        if eof { connection.receiveEOF() }
        let events = connection.takeEvents()
        #expect(connection.state == .closed)
        for case .handshakeRejected(let rejection) in events { return rejection }
        return nil
    }

    @Test func rejectionIsAStructuredValueWithRetryAfterSeconds() throws {
        let rejection = try #require(
            try self.rejection("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nContent-Length: 4\r\n\r\nbusy")
        )
        #expect(rejection.statusCode == 503)
        #expect(rejection.reasonPhrase == "Service Unavailable")
        #expect(rejection.retryAfter == .seconds(120))
        #expect(rejection.bodyPreview == Array("busy".utf8))
        #expect(rejection.headers.first("content-length") == "4")
    }

    @Test(arguments: [
        ("Sun, 06 Nov 1994 08:49:37 GMT", Int64(784_111_777)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777),
        ("Sun Nov  6 08:49:37 1994", 784_111_777),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
        ("Tue, 29 Feb 2028 23:59:59 GMT", 1_835_481_599),
    ])
    func retryAfterAcceptsTheThreeHTTPDateFormats(text: String, epoch: Int64) {
        #expect(RetryAfter(headerValue: text) == .date(secondsSince1970: epoch))
        #expect(RetryAfter(headerValue: text)?.delay(nowSecondsSince1970: epoch - 30) == 30)
    }

    @Test func retryAfterRejectsGarbage() {
        #expect(RetryAfter(headerValue: "soon") == nil)
        #expect(RetryAfter(headerValue: "-5") == nil)
        #expect(RetryAfter(headerValue: "Sun, 32 Nov 1994 08:49:37 GMT") == nil)
    }

    @Test func chunkedRejectionBodyIsDecodedAndTheRejectionReportedWithoutEOF() throws {
        let rejection = try #require(
            try self.rejection(
                "HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n5\r\nslow \r\n4;ext=1\r\ndown\r\n0\r\n\r\n"
            )
        )
        #expect(rejection.statusCode == 429)
        #expect(String(decoding: rejection.bodyPreview, as: UTF8.self) == "slow down")
        #expect(rejection.retryAfter == .date(secondsSince1970: 784_111_777))
    }

    @Test(arguments: ["-1", "+5", "zz", "FFFFFFFFFFFFFFFFFFFF"])
    func chunkedRejectionWithABogusSizeEndsTheBody(size: String) throws {
        // Found by the fuzzer (FuzzTesting/FailCases/negative-chunk-size): "-1" parsed as a
        // negative length.
        let rejection = try #require(
            try self.rejection(
                "HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbusy\r\n\(size)\r\nmore",
                eof: true
            )
        )
        #expect(String(decoding: rejection.bodyPreview, as: UTF8.self) == "busy")
    }

    @Test func rejectionBodyUntilCloseIsCutAtThePreviewLimit() throws {
        let body = String(repeating: "x", count: 3000)
        let rejection = try #require(try self.rejection("HTTP/1.1 401 Unauthorized\r\n\r\n" + body))
        #expect(rejection.bodyPreview.count == HandshakeRejection.bodyPreviewLimit)
        #expect(rejection.bodyTruncated)
        let short = try #require(try self.rejection("HTTP/1.0 401 Unauthorized\r\n\r\nno", eof: true))
        #expect(short.bodyPreview == Array("no".utf8))
        #expect(!short.bodyTruncated)
    }

    @Test func sendingBeforeOpenIsAClearError() throws {
        var connection = try ClientConnection(url: try WebSocketURL(parsing: "ws://example.com/"))
        #expect(throws: UsageError.notOpenYet) { try connection.sendText("early") }
        #expect(throws: UsageError.notOpenYet) { try connection.sendPing() }
    }
}
