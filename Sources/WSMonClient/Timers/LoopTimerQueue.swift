import NIOCore
import Synchronization

/// Every `LoopTimer` armed on one event loop, kept in deadline order behind a single NIO
/// task that wakes up for the earliest.
///
/// A NIO scheduled task costs a heap insertion to arm and a linear search of the loop's whole
/// task heap to cancel. With 10,000 connections each arming and cancelling an open and a
/// close timer, NIO's timer work was 19 % of the client thread's samples in the open-10,000
/// benchmark (perf); with this queue it is 6 %, most of it NIO's own connect timeout.
/// Here arming is a push onto a binary heap and cancelling drops the
/// callback, so nothing it captured is kept; the entry is skipped when it comes due, and the
/// heap is rebuilt once most of it is cancelled.
///
/// Confined to its loop: every call comes from a `LoopTimer`, which runs on that loop.
final class LoopTimerQueue: @unchecked Sendable {
    /// One arming. Cancelling or firing clears `fire`.
    final class Entry {
        let deadline: NIODeadline
        /// Arming order: equal deadlines fire in the order they were armed, as NIO's do.
        let sequence: UInt64
        fileprivate var fire: (() -> Void)?

        fileprivate init(deadline: NIODeadline, sequence: UInt64, fire: @escaping () -> Void) {
            self.deadline = deadline
            self.sequence = sequence
            self.fire = fire
        }

        fileprivate func precedes(_ other: Entry) -> Bool {
            (self.deadline, self.sequence) < (other.deadline, other.sequence)
        }
    }

    let eventLoop: any EventLoop
    private var heap: [Entry] = []
    private var cancelledInHeap = 0
    private var nextSequence: UInt64 = 0
    /// When the NIO tasks that run `fireDue` are due, earliest first. One made for an
    /// earlier timer leaves the later ones in place: cancelling a NIO task costs more than
    /// a wake-up that finds nothing due.
    private var wakeUps: [NIODeadline] = []
    private var isFiring = false

    private init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The queue of `eventLoop`; made on first use, and gone once no timer holds it.
    static func of(_ eventLoop: any EventLoop) -> LoopTimerQueue {
        let key = ObjectIdentifier(eventLoop)
        return Self.queues.withLock { queues in
            // A live queue keeps its loop alive, so its key cannot name another loop.
            if let queue = queues[key]?.queue { return queue }
            queues = queues.filter { $0.value.queue != nil }
            let queue = LoopTimerQueue(eventLoop: eventLoop)
            queues[key] = WeakQueue(queue: queue)
            return queue
        }
    }

    private struct WeakQueue: Sendable {
        weak var queue: LoopTimerQueue?
    }

    private static let queues = Mutex<[ObjectIdentifier: WeakQueue]>([:])

    /// Runs `fire` on the loop once `delay` has passed, unless the entry is cancelled first.
    func arm(in delay: TimeAmount, _ fire: @escaping () -> Void) -> Entry {
        let entry = Entry(deadline: self.eventLoop.now + delay, sequence: self.nextSequence, fire: fire)
        self.nextSequence &+= 1
        self.push(entry)
        self.wakeUpForEarliest()
        return entry
    }

    func cancel(_ entry: Entry) {
        guard entry.fire != nil else { return }
        entry.fire = nil
        self.cancelledInHeap += 1
        if self.cancelledInHeap > 256, self.cancelledInHeap * 2 > self.heap.count { self.dropCancelled() }
    }

    private func fireDue() {
        // NIO runs its tasks in deadline order, so this is the earliest wake-up.
        self.wakeUps.removeFirst()
        let now = self.eventLoop.now
        // Timers armed while these fire wait for a later turn, as NIO tasks do.
        let armedBefore = self.nextSequence
        self.isFiring = true
        while let first = self.heap.first, first.deadline <= now, first.sequence < armedBefore {
            self.popFirst()
            guard let fire = first.fire else {
                self.cancelledInHeap -= 1
                continue
            }
            first.fire = nil
            fire()
        }
        self.isFiring = false
        self.wakeUpForEarliest()
    }

    /// Makes sure a wake-up is due no later than the earliest live entry.
    private func wakeUpForEarliest() {
        guard !self.isFiring else { return }
        while let first = self.heap.first, first.fire == nil {
            self.popFirst()
            self.cancelledInHeap -= 1
        }
        guard let earliest = self.heap.first?.deadline else { return }
        if let next = self.wakeUps.first, next <= earliest { return }
        self.wakeUps.insert(earliest, at: 0)
        self.eventLoop.assumeIsolated().scheduleTask(deadline: earliest) { [weak self] in
            guard let self else { return }
            self.fireDue()
        }
    }

    private func dropCancelled() {
        self.heap.removeAll { $0.fire == nil }
        self.cancelledInHeap = 0
        for index in stride(from: self.heap.count / 2 - 1, through: 0, by: -1) { self.siftDown(from: index) }
    }

    private func push(_ entry: Entry) {
        self.heap.append(entry)
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.heap[child].precedes(self.heap[parent]) else { break }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popFirst() {
        let last = self.heap.removeLast()
        guard !self.heap.isEmpty else { return }
        self.heap[0] = last
        self.siftDown(from: 0)
    }

    private func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < self.heap.count else { return }
            let right = left + 1
            let child = right < self.heap.count && self.heap[right].precedes(self.heap[left]) ? right : left
            guard self.heap[child].precedes(self.heap[parent]) else { return }
            self.heap.swapAt(child, parent)
            parent = child
        }
    }
}
