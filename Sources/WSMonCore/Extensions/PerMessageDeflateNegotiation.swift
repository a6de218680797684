extension PerMessageDeflateOffer {
    /// Checks the server's `Sec-WebSocket-Extensions` values against this offer by every
    /// rule of RFC 7692 §7.1 and RFC 6455 §9.1; nil when the server accepted no extension.
    /// Each refusal is a distinct `HandshakeFailure`, modelled on Python websockets'
    /// `ClientPerMessageDeflateFactory.process_response_params`.
    func negotiate(_ values: [String]) -> Result<PerMessageDeflateParameters?, HandshakeFailure> {
        guard let elements = ExtensionHeaderElement.parse(values) else {
            return .failure(.malformedExtensionHeader(values.joined(separator: ", ")))
        }
        guard let element = elements.first else { return .success(nil) }
        // RFC 6455 §9.1: the server answers with extensions the client offered, and we offer one.
        if let other = elements.first(where: { $0.name.lowercasedASCII != PerMessageDeflateParameters.extensionName }) {
            return .failure(.extensionNotOffered(other.name))
        }
        if elements.count > 1 { return .failure(.multipleExtensionsAccepted(count: elements.count)) }
        return self.accept(element.parameters).map { $0 }
    }

    private func accept(_ parameters: [ExtensionParameter]) -> Result<PerMessageDeflateParameters, HandshakeFailure> {
        var agreed = PerMessageDeflateParameters()
        agreed.accepted = parameters
        var seen: Set<String> = []
        for parameter in parameters {
            let name = parameter.name.lowercasedASCII
            // §7.1: "the same extension parameter more than once" fails the connection.
            guard seen.insert(name).inserted else { return .failure(.extensionParameterRepeated(parameter.name)) }
            switch name {
            case "server_no_context_takeover":
                // §7.1.1.1: a server may add it unasked; it never has a value.
                guard parameter.value == nil else { return .failure(.invalid(parameter)) }
                agreed.serverNoContextTakeover = true
            case "client_no_context_takeover":
                // §7.1.1.2: the server may ask it of us even when we did not offer it.
                guard parameter.value == nil else { return .failure(.invalid(parameter)) }
                agreed.clientNoContextTakeover = true
            case "server_max_window_bits":
                // §7.1.2.1: any value 8–15, and no more than we asked for.
                guard let bits = Self.windowBits(parameter.value) else { return .failure(.invalid(parameter)) }
                if let asked = self.serverMaxWindowBits, bits > asked { return .failure(.invalid(parameter)) }
                agreed.serverMaxWindowBits = bits
            case "client_max_window_bits":
                // §7.1.2.2: only when offered, then with a value no larger than offered.
                guard let bits = Self.windowBits(parameter.value) else {
                    return .failure(
                        self.clientMaxWindowBits == .notOffered
                            ? .extensionParameterNotOffered(parameter.name) : .invalid(parameter)
                    )
                }
                switch self.clientMaxWindowBits {
                case .notOffered: return .failure(.extensionParameterNotOffered(parameter.name))
                case .atMost(let offered) where bits > offered: return .failure(.invalid(parameter))
                case .anyValue, .atMost: agreed.clientMaxWindowBits = bits
                }
            default:
                return .failure(.extensionParameterUnknown(parameter.name))
            }
        }
        // What we asked of the server must be granted (§7.1.1.1, §7.1.2.1): a server that
        // cannot grant it declines the whole offer instead.
        if self.serverNoContextTakeover && !agreed.serverNoContextTakeover {
            return .failure(.extensionParameterMissing("server_no_context_takeover"))
        }
        if self.serverMaxWindowBits != nil && !seen.contains("server_max_window_bits") {
            return .failure(.extensionParameterMissing("server_max_window_bits"))
        }
        if self.clientNoContextTakeover { agreed.clientNoContextTakeover = true }
        if case .atMost(let offered) = self.clientMaxWindowBits {
            agreed.clientMaxWindowBits = min(agreed.clientMaxWindowBits, offered)
        }
        return .success(agreed)
    }

    /// §7.1.2: "a decimal integer value without leading zeros between 8 to 15, inclusive".
    static func windowBits(_ value: String?) -> Int? {
        guard let value, !value.hasPrefix("0"), value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let bits = Int(value), Self.windowBitsRange.contains(bits)
        else { return nil }
        return bits
    }
}

extension HandshakeFailure {
    fileprivate static func invalid(_ parameter: ExtensionParameter) -> HandshakeFailure {
        .extensionParameterInvalid(parameter.name, value: parameter.value)
    }
}
