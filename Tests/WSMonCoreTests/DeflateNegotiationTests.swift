import Testing
import WSMonCore
import WSMonDeflate
import WSMonTestSupport

/// RFC 7692 §7.1: the offer we send and every rule the server's answer is checked by.
@Suite("permessage-deflate negotiation")
struct DeflateNegotiationTests {
    private func connection(offer: PerMessageDeflateOffer? = PerMessageDeflateOffer()) -> ClientConnection {
        var options = ConnectionOptions()
        options.deflate = offer
        return try! ClientConnection(
            url: try! WebSocketURL(parsing: "ws://example.com/feed"),
            options: options,
            deflateEngines: ZlibDeflateEngineFactory(),
            random: SeededRandom(seed: 7)
        )
    }

    /// Answers the handshake with `extensions` and returns the events.
    private func answer(
        _ extensions: String?,
        offer: PerMessageDeflateOffer = PerMessageDeflateOffer()
    ) -> (ClientConnection, [WebSocketEvent]) {
        var connection = self.connection(offer: offer)
        _ = connection.takeBytesToSend()
        let header = extensions.map { "Sec-WebSocket-Extensions: \($0)\r\n" } ?? ""
        let events = connection.feed(acceptingResponse(for: connection, extraHeaders: header))
        return (connection, events)
    }

    private func failure(of events: [WebSocketEvent]) -> HandshakeFailure? {
        events.lazy.compactMap {
            if case .handshakeFailed(let failure) = $0 { return failure }
            return nil
        }.first
    }

    @Test func defaultOfferIsPermessageDeflateWithClientMaxWindowBits() {
        var connection = self.connection()
        let request = String(decoding: connection.takeBytesToSend(), as: UTF8.self)
        #expect(request.contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"))
    }

    @Test func offerCarriesEveryOption() {
        var offer = PerMessageDeflateOffer()
        offer.serverNoContextTakeover = true
        offer.clientNoContextTakeover = true
        offer.serverMaxWindowBits = 10
        offer.clientMaxWindowBits = .atMost(12)
        #expect(
            offer.headerValue
                == "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                + "server_max_window_bits=10; client_max_window_bits=12"
        )
        offer.clientMaxWindowBits = .notOffered
        #expect(!offer.headerValue.contains("client_max_window_bits"))
    }

    @Test func nothingIsOfferedWithoutAnOfferOrAnEngine() throws {
        var noOffer = self.connection(offer: nil)
        #expect(!String(decoding: noOffer.takeBytesToSend(), as: UTF8.self).contains("Extensions"))
        var options = ConnectionOptions()
        options.deflate = PerMessageDeflateOffer()
        var noEngine = try ClientConnection(url: try WebSocketURL(parsing: "ws://h/"), options: options)
        #expect(!String(decoding: noEngine.takeBytesToSend(), as: UTF8.self).contains("Extensions"))
    }

    @Test func serverThatAcceptsNothingLeavesCompressionOff() {
        let (connection, _) = self.answer(nil)
        #expect(connection.state == .open)
        #expect(connection.response?.deflate == nil)
    }

    @Test func bareAnswerIsAcceptedWithTheDefaults() {
        // python-websockets #1109 and #1068: a bare answer is valid.
        let (connection, _) = self.answer("permessage-deflate")
        #expect(connection.state == .open)
        let agreed = connection.response?.deflate
        #expect(agreed?.serverMaxWindowBits == 15)
        #expect(agreed?.clientMaxWindowBits == 15)
        #expect(agreed?.serverNoContextTakeover == false)
        #expect(agreed?.accepted == [])
    }

    @Test(arguments: [
        (
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            true, true, 15, 15
        ),
        ("permessage-deflate; server_max_window_bits=10; client_max_window_bits=9", false, false, 10, 9),
        ("Permessage-Deflate; server_max_window_bits=\"8\"", false, false, 8, 15),
        ("permessage-deflate;client_max_window_bits=8", false, false, 15, 8),
    ])
    func acceptedParametersAreApplied(header: String, serverReset: Bool, clientReset: Bool, server: Int, client: Int) {
        let (connection, _) = self.answer(header)
        #expect(connection.state == .open)
        let agreed = connection.response?.deflate
        #expect(agreed?.serverNoContextTakeover == serverReset)
        #expect(agreed?.clientNoContextTakeover == clientReset)
        #expect(agreed?.serverMaxWindowBits == server)
        #expect(agreed?.clientMaxWindowBits == client)
    }

    @Test func acceptedParametersAreKeptAsSentForDisplay() {
        let (connection, _) = self.answer("permessage-deflate; server_max_window_bits=10; client_no_context_takeover")
        #expect(
            connection.response?.deflate?.accepted == [
                ExtensionParameter(name: "server_max_window_bits", value: "10"),
                ExtensionParameter(name: "client_no_context_takeover"),
            ]
        )
        #expect(
            connection.response?.deflate?.headerValue
                == "permessage-deflate; server_max_window_bits=10; client_no_context_takeover"
        )
    }

    @Test(arguments: [
        ("permessage-deflate; x_webkit_window=1", "extension_parameter_unknown"),
        ("permessage-deflate; server_no_context_takeover; server_no_context_takeover", "extension_parameter_repeated"),
        ("permessage-deflate; server_max_window_bits=7", "extension_parameter_invalid"),
        ("permessage-deflate; server_max_window_bits=16", "extension_parameter_invalid"),
        ("permessage-deflate; server_max_window_bits=09", "extension_parameter_invalid"),
        ("permessage-deflate; server_max_window_bits", "extension_parameter_invalid"),
        ("permessage-deflate; client_max_window_bits", "extension_parameter_invalid"),
        ("permessage-deflate; client_max_window_bits=abc", "extension_parameter_invalid"),
        ("permessage-deflate; server_no_context_takeover=1", "extension_parameter_invalid"),
        ("x-webkit-deflate-frame", "extension_not_offered"),
        ("permessage-deflate, permessage-deflate; client_max_window_bits=10", "multiple_extensions_accepted"),
        ("permessage-deflate; =3", "malformed_extension_header"),
    ])
    func badAnswersAreRefusedByName(header: String, name: String) {
        let (connection, events) = self.answer(header)
        #expect(connection.state == .closed)
        #expect(self.failure(of: events)?.name == name)
        #expect(connection.closeSummary?.failure == .handshakeFailed(self.failure(of: events)!))
    }

    @Test func parametersWeDidNotOfferAreRefused() {
        var offer = PerMessageDeflateOffer()
        offer.clientMaxWindowBits = .notOffered
        let (_, events) = self.answer("permessage-deflate; client_max_window_bits=10", offer: offer)
        #expect(self.failure(of: events) == .extensionParameterNotOffered("client_max_window_bits"))
    }

    @Test func windowsLargerThanOfferedAreRefused() {
        var offer = PerMessageDeflateOffer()
        offer.serverMaxWindowBits = 10
        offer.clientMaxWindowBits = .atMost(9)
        let (_, server) = self.answer("permessage-deflate; server_max_window_bits=11", offer: offer)
        #expect(self.failure(of: server) == .extensionParameterInvalid("server_max_window_bits", value: "11"))
        let (_, client) = self.answer(
            "permessage-deflate; server_max_window_bits=10; client_max_window_bits=10",
            offer: offer
        )
        #expect(self.failure(of: client) == .extensionParameterInvalid("client_max_window_bits", value: "10"))
        let (accepted, _) = self.answer("permessage-deflate; server_max_window_bits=9", offer: offer)
        #expect(accepted.response?.deflate?.serverMaxWindowBits == 9)
        #expect(accepted.response?.deflate?.clientMaxWindowBits == 9)
    }

    @Test func whatWeAskedOfTheServerMustBeGranted() {
        var offer = PerMessageDeflateOffer()
        offer.serverNoContextTakeover = true
        let (_, events) = self.answer("permessage-deflate", offer: offer)
        #expect(self.failure(of: events) == .extensionParameterMissing("server_no_context_takeover"))
        offer.serverNoContextTakeover = false
        offer.serverMaxWindowBits = 12
        let (_, bits) = self.answer("permessage-deflate", offer: offer)
        #expect(self.failure(of: bits) == .extensionParameterMissing("server_max_window_bits"))
    }

    @Test func ourOwnNoContextTakeoverHoldsWhateverTheServerSays() {
        var offer = PerMessageDeflateOffer()
        offer.clientNoContextTakeover = true
        let (connection, _) = self.answer("permessage-deflate", offer: offer)
        #expect(connection.response?.deflate?.clientNoContextTakeover == true)
    }

    @Test func extensionWithoutAnOfferIsRefused() throws {
        var connection = try ClientConnection(url: try WebSocketURL(parsing: "ws://h/"))
        _ = connection.takeBytesToSend()
        let header = "Sec-WebSocket-Extensions: permessage-deflate\r\n"
        let events = connection.feed(acceptingResponse(for: connection, extraHeaders: header))
        #expect(self.failure(of: events) == .extensionNotOffered("permessage-deflate"))
    }

    @Test func everyRefusalHasADistinctName() {
        let refusals: [HandshakeFailure] = [
            .malformedExtensionHeader("x"), .multipleExtensionsAccepted(count: 2), .extensionParameterUnknown("x"),
            .extensionParameterRepeated("x"), .extensionParameterInvalid("x", value: nil),
            .extensionParameterNotOffered("x"), .extensionParameterMissing("x"), .extensionNotOffered("x"),
            .compressionUnavailable("x"),
        ]
        #expect(Set(refusals.map(\.name)).count == refusals.count)
    }
}
