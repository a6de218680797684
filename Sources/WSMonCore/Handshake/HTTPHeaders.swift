/// HTTP header fields in the order received or to be sent; names compare case-insensitively.
public struct HTTPHeaders: Hashable, Sendable, Sequence {
    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    public mutating func add(name: String, value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    public func makeIterator() -> IndexingIterator<[Field]> { self.fields.makeIterator() }

    /// Every value of the named field, in order.
    public func values(for name: String) -> [String] {
        self.fields.filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }

    public func first(_ name: String) -> String? { self.values(for: name).first }

    public func contains(_ name: String) -> Bool { !self.values(for: name).isEmpty }

    /// The comma-separated tokens of every value of the named field, trimmed.
    public func tokens(for name: String) -> [String] {
        self.values(for: name).flatMap { $0.split(separator: ",") }.map { $0.trimmingASCIIWhitespace }
            .filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    /// Equal but for ASCII case, with nothing allocated (header names are compared on every
    /// handshake).
    func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        let lower = { (byte: UInt8) in byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
        return self.utf8.elementsEqual(other.utf8) { lower($0) == lower($1) }
    }

    var lowercasedASCII: String {
        String(decoding: self.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    var trimmingASCIIWhitespace: String {
        let bytes = Array(self.utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
            let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
