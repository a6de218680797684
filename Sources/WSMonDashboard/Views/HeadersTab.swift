import WSMonMonitor

/// The opening handshake as sent and as answered, secrets already redacted by the monitor.
enum HeadersTab {
    static func lines(_ detail: SessionDetail) -> [[Span]] {
        var lines: [[Span]] = [[Span("Request", .tableHeader)]]
        lines += self.block(detail.request, none: "no request sent yet")
        lines.append([])
        lines.append([Span("Response", .tableHeader)])
        lines += self.block(detail.response, none: "no response yet")
        return lines
    }

    private static func block(_ block: HeaderBlock?, none: String) -> [[Span]] {
        guard let block else { return [[Span("  " + none, .dim)]] }
        let width = min(28, block.headers.map { $0.name.count }.max() ?? 0)
        return [[Span("  "), Span(block.firstLine, .text, peer: true)]]
            + block.headers.map { field in
                let padding = String(repeating: " ", count: max(0, width - field.name.count))
                let secret = Redaction.isSecret(field.name)
                return [
                    Span("  "), Span(field.name, .key, peer: true), Span(":" + padding + " ", .dim),
                    Span(field.value, secret ? .dim : .text, peer: true),
                ]
            }
    }
}
