/// The first bytes of a payload, stored inline so that recording a frame allocates nothing.
public struct PayloadPreview: Hashable, Sendable {
    /// How many bytes a preview keeps at most.
    public static let capacity = 32

    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// Number of bytes kept (≤ `capacity`).
    public private(set) var count: UInt8 = 0

    public init() {}

    public init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            guard self.append(byte) else { break }
        }
    }

    public var isFull: Bool { Int(self.count) == Self.capacity }

    /// Appends as many of `bytes` as fit.
    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        let room = Self.capacity - Int(self.count)
        guard room > 0 else { return }
        let taken = min(room, bytes.count)
        let start = Int(self.count)
        // One copy, not a loop of byte stores: this runs for every frame received.
        withUnsafeMutableBytes(of: &self.storage) { storage in
            UnsafeMutableRawBufferPointer(rebasing: storage[start..<(start + taken)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<taken]))
        }
        self.count += UInt8(taken)
    }

    @discardableResult
    mutating func append(_ byte: UInt8) -> Bool {
        guard !self.isFull else { return false }
        let index = Int(self.count)
        withUnsafeMutableBytes(of: &self.storage) { $0[index] = byte }
        self.count += 1
        return true
    }

    public var bytes: [UInt8] {
        withUnsafeBytes(of: self.storage) { Array($0.prefix(Int(self.count))) }
    }

    public static func == (lhs: PayloadPreview, rhs: PayloadPreview) -> Bool {
        lhs.bytes == rhs.bytes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.bytes)
    }
}
