import WSMonCore

/// One frame in a session's log: when it crossed, on which connection, and its record.
public struct FrameLogEntry: Hashable, Sendable {
    /// Seconds since 1970.
    public var time: Double
    public var connection: Int32
    public var record: FrameRecord
    /// The frame broke the protocol and was refused (its violation is in the close timeline).
    public var rejected: Bool

    public init(time: Double, connection: Int32, record: FrameRecord, rejected: Bool = false) {
        self.time = time
        self.connection = connection
        self.record = record
        self.rejected = rejected
    }
}

/// The most recent frames of a session. Storage grows with use up to `capacity`, so an idle
/// session pays for the frames it has seen, not for the whole ring; older entries are then
/// overwritten and counted.
public struct FrameRing: Sendable {
    public let capacity: Int
    private var storage: [FrameLogEntry] = []
    /// Where the next entry goes once the ring is full.
    private var next = 0
    /// Entries overwritten because the ring was full.
    public private(set) var overflowed = 0

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { self.storage.count }

    /// Every entry ever appended, overwritten ones included: the next entry's number.
    public var appended: Int { self.overflowed + self.storage.count }

    public mutating func append(_ entry: FrameLogEntry) {
        if self.storage.count < self.capacity {
            if self.storage.count == self.storage.capacity {
                self.storage.reserveCapacity(min(self.capacity, max(8, self.storage.count * 2)))
            }
            self.storage.append(entry)
            return
        }
        self.storage[self.next] = entry
        self.next = (self.next + 1) % self.capacity
        self.overflowed += 1
    }

    /// Marks the newest entry as refused for a violation.
    public mutating func markNewestRejected() {
        guard !self.storage.isEmpty else { return }
        let newest =
            self.storage.count == self.capacity
            ? (self.next + self.capacity - 1) % self.capacity : self.storage.count - 1
        self.storage[newest].rejected = true
    }

    /// Oldest first.
    public var entries: [FrameLogEntry] {
        guard self.storage.count == self.capacity, self.next > 0 else { return self.storage }
        return Array(self.storage[self.next...] + self.storage[..<self.next])
    }
}
