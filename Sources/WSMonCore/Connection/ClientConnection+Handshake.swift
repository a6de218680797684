extension ClientConnection {
    /// Feeds response bytes while connecting; leaves `index` after the last byte used, so
    /// frames that follow the response head in the same read are parsed, not lost.
    mutating func receiveHandshake(_ input: UnsafeRawBufferPointer, index: inout Int) {
        if self.rejection != nil {
            self.readRejectionBody(input, index: &index)
            return
        }
        switch self.responseParser.parse(input, index: &index) {
        case .needMoreData:
            return
        case .failed(let failure):
            self.failHandshake(.handshakeFailed(failure), transportClosedBy: .local)
        case .complete(let head) where head.statusCode != 101:
            let rejection = HandshakeRejection(
                statusCode: head.statusCode,
                reasonPhrase: head.reasonPhrase,
                headers: head.headers,
                retryAfter: head.headers.first("Retry-After").flatMap(RetryAfter.init(headerValue:)),
                bodyPreview: [],
                bodyTruncated: false
            )
            self.rejection = (rejection, RejectionBodyReader(headers: head.headers))
            self.readRejectionBody(input, index: &index)
        case .complete(let head):
            switch self.validate(head) {
            case .success(let response):
                if let parameters = response.deflate {
                    guard let engine = self.deflateEngines?.makeEngine(parameters) else {
                        let detail = "no engine for \(parameters.headerValue)"
                        self.failHandshake(.handshakeFailed(.compressionUnavailable(detail)), transportClosedBy: .local)
                        return
                    }
                    self.deflate = engine
                }
                self.response = response
                self.internalState = .open
                self.events.append(.opened(response))
            case .failure(let failure):
                self.failHandshake(.handshakeFailed(failure), transportClosedBy: .local)
            }
        }
    }

    private mutating func readRejectionBody(_ input: UnsafeRawBufferPointer, index: inout Int) {
        guard var (rejection, reader) = self.rejection else { return }
        let done = reader.isDone || reader.read(input, index: &index)
        self.rejection = (rejection, reader)
        guard done else { return }
        rejection.bodyPreview = reader.preview
        rejection.bodyTruncated = reader.truncated
        index = input.count
        self.failHandshake(.handshakeRejected(rejection), transportClosedBy: .local)
    }

    /// The peer closed TCP before the handshake finished.
    mutating func receiveEOFWhileConnecting() {
        if let (rejection, reader) = self.rejection {
            var complete = rejection
            complete.bodyPreview = reader.preview
            complete.bodyTruncated = reader.truncated
            self.failHandshake(.handshakeRejected(complete), transportClosedBy: .peer)
        } else {
            let failure = HandshakeFailure.connectionClosedDuringHandshake(
                bytesReceived: self.responseParser.bytesReceived
            )
            self.failHandshake(.handshakeFailed(failure), transportClosedBy: .peer)
        }
    }

    private mutating func failHandshake(
        _ failure: ConnectionFailure,
        transportClosedBy closer: CloseSummary.TransportCloser
    ) {
        self.rejection = nil
        switch failure {
        case .handshakeRejected(let rejection): self.events.append(.handshakeRejected(rejection))
        case .handshakeFailed(let reason): self.events.append(.handshakeFailed(reason))
        default: break
        }
        self.finish(CloseProgress(initiator: .failure, failure: failure).summary(transportClosedBy: closer))
    }

    /// RFC 6455 §4.1, the client's checks of the server's response.
    private func validate(_ head: ResponseHeadParser.Head) -> Result<HandshakeResponse, HandshakeFailure> {
        let headers = head.headers
        // "If the response lacks an |Upgrade| header field or the |Upgrade| header field
        // contains a value that is not an ASCII case-insensitive match for the value
        // "websocket", the client MUST _Fail the WebSocket Connection_."
        guard headers.tokens(for: "Upgrade").contains(where: { $0.equalsIgnoringASCIICase("websocket") }) else {
            return .failure(.upgradeHeaderMissingOrInvalid(headers.first("Upgrade")))
        }
        guard headers.tokens(for: "Connection").contains(where: { $0.equalsIgnoringASCIICase("upgrade") }) else {
            return .failure(.connectionHeaderMissingOrInvalid(headers.first("Connection")))
        }
        guard let accept = headers.first("Sec-WebSocket-Accept") else { return .failure(.acceptMissing) }
        let expected = self.request.expectedAccept
        guard accept == expected else { return .failure(.acceptMismatch(expected: expected, received: accept)) }
        let extensions = headers.values(for: "Sec-WebSocket-Extensions")
        var deflate: PerMessageDeflateParameters?
        if let offer = self.deflateEngines == nil ? nil : self.options.deflate {
            switch offer.negotiate(extensions) {
            case .success(let parameters): deflate = parameters
            case .failure(let failure): return .failure(failure)
            }
        } else if let first = headers.tokens(for: "Sec-WebSocket-Extensions").first {
            // We offered no extension, so any in the response was not offered.
            return .failure(.extensionNotOffered(first))
        }
        let protocols = headers.tokens(for: "Sec-WebSocket-Protocol")
        if protocols.count > 1 { return .failure(.multipleSubprotocols(protocols.joined(separator: ", "))) }
        if let selected = protocols.first, !self.request.subprotocols.contains(selected) {
            return .failure(.subprotocolNotOffered(selected))
        }
        return .success(
            HandshakeResponse(
                statusCode: head.statusCode,
                reasonPhrase: head.reasonPhrase,
                headers: headers,
                subprotocol: protocols.first,
                deflate: deflate
            )
        )
    }
}
