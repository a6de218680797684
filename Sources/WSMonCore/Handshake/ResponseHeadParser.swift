/// Reads an HTTP/1.1 response head incrementally: it may arrive one byte at a time, and
/// the bytes after the blank line are left in the input for the frame decoder.
struct ResponseHeadParser {
    static let maxHeadSize = 16 * 1024

    struct Head {
        var statusCode: Int
        var reasonPhrase: String
        var headers: HTTPHeaders
    }

    enum Progress {
        case needMoreData
        case complete(Head)
        case failed(HandshakeFailure)
    }

    private var line: [UInt8] = []
    private var headSize = 0
    private var status: (code: Int, reason: String)?
    private var headers = HTTPHeaders()

    /// Bytes of the head received so far.
    var bytesReceived: Int { self.headSize }

    mutating func parse(_ input: UnsafeRawBufferPointer, index: inout Int) -> Progress {
        while index < input.count {
            let rest = UnsafeRawBufferPointer(rebasing: input[index...])
            guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                self.line.append(contentsOf: rest)
                self.headSize += rest.count
                index = input.count
                return self.headSize > Self.maxHeadSize
                    ? .failed(.responseHeadTooLarge(limit: Self.maxHeadSize)) : .needMoreData
            }
            self.line.append(contentsOf: rest[..<newline])
            self.headSize += newline + 1
            index += newline + 1
            if self.headSize > Self.maxHeadSize { return .failed(.responseHeadTooLarge(limit: Self.maxHeadSize)) }
            if self.line.last == UInt8(ascii: "\r") { self.line.removeLast() }
            let text = String(decoding: self.line, as: UTF8.self)
            self.line.removeAll(keepingCapacity: true)
            if let failure = self.consume(line: text) { return .failed(failure) }
            if text.isEmpty, let status = self.status {
                return .complete(Head(statusCode: status.code, reasonPhrase: status.reason, headers: self.headers))
            }
        }
        return .needMoreData
    }

    private mutating func consume(line: String) -> HandshakeFailure? {
        guard self.status != nil else {
            // "HTTP/1.1 101 Switching Protocols"; the reason phrase may be empty.
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let code = Int(parts[1]) else {
                return .malformedStatusLine(line)
            }
            self.status = (code, parts.count == 3 ? String(parts[2]) : "")
            return nil
        }
        if line.isEmpty { return nil }
        if line.first == " " || line.first == "\t" {
            // Obsolete line folding (RFC 9112 §5.2): fold into the previous value.
            guard let last = self.headers.fields.last else { return .malformedHeaderLine(line) }
            var fields = self.headers.fields
            fields[fields.count - 1].value = last.value + " " + line.trimmingASCIIWhitespace
            self.headers = HTTPHeaders(fields.map { ($0.name, $0.value) })
            return nil
        }
        guard let colon = line.firstIndex(of: ":") else { return .malformedHeaderLine(line) }
        let name = line[..<colon]
        guard !name.isEmpty, name.utf8.allSatisfy(HandshakeRequest.isTokenByte) else {
            return .malformedHeaderLine(line)
        }
        self.headers.add(name: String(name), value: line[line.index(after: colon)...].trimmingASCIIWhitespace)
        return nil
    }
}
