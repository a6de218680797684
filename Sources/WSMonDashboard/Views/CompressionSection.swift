import WSMonCore
import WSMonMonitor

/// The Headers tab's permessage-deflate part: each parameter as we offered it, as the server
/// answered, and what is in effect, then the compression ratio of what arrived.
enum CompressionSection {
    static let parameterNames = [
        "server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits",
        "client_max_window_bits",
    ]

    static func lines(_ detail: SessionDetail) -> [[Span]] {
        let offer = detail.request?.headers.first { $0.name.lowercased() == "sec-websocket-extensions" }?.value
        guard let offer else { return [] }
        var lines: [[Span]] = [[], [Span("Compression", .tableHeader), Span("  permessage-deflate, RFC 7692", .dim)]]
        guard detail.response != nil else {
            lines.append([Span("  offered ", .dim), Span(offer, .text)])
            return lines
        }
        guard let agreed = detail.deflate else {
            lines.append([Span("  offered ", .dim), Span(offer, .text), Span("; declined by the server", .warning)])
            return lines
        }
        let offered = ExtensionParameter.parameters(ofFirstExtensionIn: offer)
        let width = self.parameterNames.map(\.count).max() ?? 0
        lines.append([
            Span("  " + "parameter".padding(width), .dim), Span("  " + "offered".padding(10), .dim),
            Span("answered".padding(10), .dim), Span("in effect", .dim),
        ])
        for name in self.parameterNames {
            let inEffect: String
            switch name {
            case "server_no_context_takeover": inEffect = agreed.serverNoContextTakeover ? "yes" : "no"
            case "client_no_context_takeover": inEffect = agreed.clientNoContextTakeover ? "yes" : "no"
            case "server_max_window_bits": inEffect = "\(agreed.serverMaxWindowBits) bits"
            default: inEffect = "\(agreed.clientMaxWindowBits) bits"
            }
            lines.append([
                Span("  "), Span(name.padding(width), .key), Span("  "),
                Span(self.shown(offered, name).padding(10), .text),
                Span(self.shown(agreed.accepted, name).padding(10), .text, peer: true),
                Span(inEffect, .text),
            ])
        }
        let summary = detail.summary
        if let ratio = summary.compressionRatio {
            lines.append([
                Span("  received ", .dim),
                Span(
                    "\(Units.bytes(summary.inflatedBytesIn)) in \(Units.bytes(summary.compressedBytesIn)) on the wire",
                    .text
                ),
                Span("  \(self.ratio(ratio))", .frameIn),
            ])
        }
        return lines
    }

    /// "4.2×": inflated over wire size.
    static func ratio(_ ratio: Double) -> String {
        ratio >= 10 ? "\(Int(ratio.rounded()))×" : Units.oneDecimal(ratio) + "×"
    }

    private static func shown(_ parameters: [ExtensionParameter], _ name: String) -> String {
        guard let parameter = parameters.first(where: { $0.name.lowercased() == name }) else { return "–" }
        return parameter.value ?? (name.hasSuffix("window_bits") ? "any" : "yes")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self.count >= width ? self : self + String(repeating: " ", count: width - self.count)
    }
}
