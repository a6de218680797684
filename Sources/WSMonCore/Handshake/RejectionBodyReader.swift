/// Collects the start of a rejection's body for the report, following Content-Length or
/// chunked framing so that a server keeping the connection alive does not stall us.
struct RejectionBodyReader {
    private enum Framing {
        case length(remaining: Int)
        case untilClose
        case chunkSize(line: [UInt8])
        case chunkData(remaining: Int)
        case chunkDataEnd(crlfLeft: Int)
        case trailer(line: [UInt8])
        case done
    }

    private var framing: Framing
    private(set) var preview: [UInt8] = []
    private(set) var truncated = false

    init(headers: HTTPHeaders) {
        if headers.tokens(for: "Transfer-Encoding").last?.lowercasedASCII == "chunked" {
            self.framing = .chunkSize(line: [])
        } else if let length = headers.first("Content-Length").flatMap({ Int($0.trimmingASCIIWhitespace) }) {
            self.framing = length > 0 ? .length(remaining: length) : .done
        } else {
            self.framing = .untilClose
        }
    }

    var isDone: Bool {
        if case .done = self.framing { return true }
        return false
    }

    /// Consumes body bytes; returns true once the preview is complete.
    mutating func read(_ input: UnsafeRawBufferPointer, index: inout Int) -> Bool {
        while index < input.count, !self.isDone {
            let byte = input[index]
            switch self.framing {
            case .length(let remaining):
                let taken = min(remaining, input.count - index)
                self.framing = remaining - taken == 0 ? .done : .length(remaining: remaining - taken)
                self.keep(UnsafeRawBufferPointer(rebasing: input[index..<(index + taken)]))
                index += taken
                continue
            case .untilClose:
                let taken = input.count - index
                self.keep(UnsafeRawBufferPointer(rebasing: input[index...]))
                index += taken
                continue
            case .chunkSize(var line):
                if byte == UInt8(ascii: "\n") {
                    // A size that is not plain hex ("-1", "+5", junk) ends the body: the
                    // preview keeps what arrived, and nothing trusts a bogus length.
                    let text = String(decoding: line, as: UTF8.self).split(separator: ";").first ?? ""
                    let digits = text.trimmingASCIIWhitespace
                    let isHex =
                        !digits.isEmpty
                        && digits.utf8.allSatisfy { $0 < 0x80 && Character(UnicodeScalar($0)).isHexDigit }
                    let size = isHex ? UInt32(digits, radix: 16).map(Int.init) ?? 0 : 0
                    self.framing = size == 0 ? .trailer(line: []) : .chunkData(remaining: size)
                } else if byte != UInt8(ascii: "\r") && line.count < 64 {
                    line.append(byte)
                    self.framing = .chunkSize(line: line)
                }
            case .chunkData(let remaining):
                let taken = min(remaining, input.count - index)
                self.framing =
                    remaining - taken == 0 ? .chunkDataEnd(crlfLeft: 2) : .chunkData(remaining: remaining - taken)
                self.keep(UnsafeRawBufferPointer(rebasing: input[index..<(index + taken)]))
                index += taken
                continue
            case .chunkDataEnd(let left):
                self.framing =
                    byte == UInt8(ascii: "\n") || left <= 1 ? .chunkSize(line: []) : .chunkDataEnd(crlfLeft: left - 1)
            case .trailer(var line):
                if byte == UInt8(ascii: "\n") {
                    self.framing = line.isEmpty ? .done : .trailer(line: [])
                } else if byte != UInt8(ascii: "\r") {
                    line.append(byte)
                    self.framing = .trailer(line: line)
                }
            case .done:
                break
            }
            index += 1
        }
        return self.isDone
    }

    private mutating func keep(_ bytes: UnsafeRawBufferPointer) {
        let room = HandshakeRejection.bodyPreviewLimit - self.preview.count
        self.preview.append(contentsOf: bytes.prefix(max(0, room)))
        if bytes.count > room {
            self.truncated = true
            self.framing = .done
        }
    }
}
