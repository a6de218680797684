import WSMonCore
import WSMonMonitor

/// The opening handshake as sent and as answered, secrets already redacted by the monitor.
enum HeadersTab {
    static func lines(_ detail: SessionDetail) -> [[Span]] {
        var lines: [[Span]] = [[Span("Request", .tableHeader)]]
        lines += self.block(detail.request, none: "no request sent yet")
        lines.append([])
        lines.append([Span("Response", .tableHeader)])
        lines += self.block(detail.response, none: self.noResponse(detail))
        return lines
    }

    /// A TLS failure never gets an HTTP response: its reason is what there is to read.
    private static func noResponse(_ detail: SessionDetail) -> String {
        guard detail.summary.lastFailure == .tls, let error = detail.texts.lastError else { return "no response yet" }
        return "no response: \(error)"
    }

    private static func block(_ block: HeaderBlock?, none: String) -> [[Span]] {
        guard let block else { return [[Span("  " + none, .dim)]] }
        let width = min(28, block.headers.map { $0.name.count }.max() ?? 0)
        var lines: [[Span]] = [[Span("  "), Span(block.firstLine, .text, peer: true)]]
        if let location = block.headers.first(where: { $0.name.lowercased() == "location" })?.value {
            lines.append([Span("  redirects to ", .warning), Span(location, .text, peer: true)])
        }
        lines += self.fields(block, width: width)
        guard !block.body.isEmpty else { return lines }
        let kept = block.bodyTruncated ? "the first \(block.body.count) bytes" : "\(block.body.count) bytes"
        lines.append([Span("  Body", .tableHeader), Span(" (\(kept))", .dim)])
        if let text = String(validating: block.body, as: UTF8.self) {
            var bodyLines = text.split(separator: "\n", omittingEmptySubsequences: false)
            while bodyLines.last?.isEmpty == true { bodyLines.removeLast() }
            lines += bodyLines.map { [Span("  "), Span(String($0), .text, peer: true)] }
        } else {
            lines += HexDump.lines(block.body).map { [Span("  " + $0, .text)] }
        }
        return lines
    }

    private static func fields(_ block: HeaderBlock, width: Int) -> [[Span]] {
        block.headers.map { field in
            let padding = String(repeating: " ", count: max(0, width - field.name.count))
            let secret = Redaction.isSecretName(field.name)
            return [
                Span("  "), Span(field.name, .key, peer: true), Span(":" + padding + " ", .dim),
                Span(field.value, secret ? .dim : .text, peer: true),
            ]
        }
    }
}
