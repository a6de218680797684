/// One extension of a `Sec-WebSocket-Extensions` header (RFC 6455 §9.1): a name and its
/// parameters.
struct ExtensionHeaderElement: Hashable {
    var name: String
    var parameters: [ExtensionParameter]

    /// Every extension listed in the values, in order. A quoted value (`"10"`, §9.1 allows
    /// it) is unquoted; nil when an element is malformed (an empty name, `=` without a name).
    static func parse(_ values: [String]) -> [ExtensionHeaderElement]? {
        var elements: [ExtensionHeaderElement] = []
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: true) {
                let pieces = element.split(separator: ";", omittingEmptySubsequences: false).map {
                    $0.trimmingASCIIWhitespace
                }
                guard let name = pieces.first, !name.isEmpty else {
                    if pieces.allSatisfy(\.isEmpty) { continue }
                    return nil
                }
                var parameters: [ExtensionParameter] = []
                for piece in pieces.dropFirst() {
                    guard let parameter = Self.parameter(piece) else { return nil }
                    parameters.append(parameter)
                }
                elements.append(ExtensionHeaderElement(name: name, parameters: parameters))
            }
        }
        return elements
    }

    private static func parameter(_ text: String) -> ExtensionParameter? {
        guard let equals = text.firstIndex(of: "=") else { return text.isEmpty ? nil : ExtensionParameter(name: text) }
        let name = String(text[..<equals]).trimmingASCIIWhitespace
        var value = String(text[text.index(after: equals)...]).trimmingASCIIWhitespace
        guard !name.isEmpty else { return nil }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = String(value.dropFirst().dropLast())
        }
        return ExtensionParameter(name: name, value: value)
    }
}

extension ExtensionParameter {
    /// The parameters of the first extension in a `Sec-WebSocket-Extensions` value
    /// (`permessage-deflate; client_max_window_bits` gives one), for showing an offer
    /// parameter by parameter; empty when it has none or does not parse.
    public static func parameters(ofFirstExtensionIn value: String) -> [ExtensionParameter] {
        ExtensionHeaderElement.parse([value])?.first?.parameters ?? []
    }
}
