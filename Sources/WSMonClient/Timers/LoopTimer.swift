import NIOCore

/// One timer slot of an owner confined to one event loop, whose firing is ignored once the
/// slot was re-armed or cancelled.
///
/// Armings go to the loop's `LoopTimerQueue`, where cancelling drops the callback. Every
/// arming also gets a generation that its firing hands back, and only the current one may
/// `claim` the slot (async-http-client's `currentIdleReadTimeoutTimerID &+= 1`): the slot,
/// not the scheduler, decides whether a firing still counts.
///
/// ```swift
/// self.closeTimer.arm(in: delay, on: loop) { [self] generation in
///     guard self.closeTimer.claim(generation) else { return }
///     …
/// }
/// ```
struct LoopTimer {
    private var generation: UInt64 = 0
    private var entry: LoopTimerQueue.Entry?
    /// The queue of the loop last armed on, kept so arming again needs no lookup.
    private var queue: LoopTimerQueue?

    /// True while an arming is pending (armed, not yet claimed or cancelled).
    var isArmed: Bool { self.entry != nil }

    /// Arms the slot, defusing any earlier arming. `fire` runs on `eventLoop` with the
    /// generation it must `claim`.
    mutating func arm(in delay: TimeAmount, on eventLoop: any EventLoop, _ fire: @escaping (UInt64) -> Void) {
        self.cancel()
        let queue: LoopTimerQueue
        if let known = self.queue, known.eventLoop === eventLoop {
            queue = known
        } else {
            queue = LoopTimerQueue.of(eventLoop)
            self.queue = queue
        }
        let generation = self.generation
        self.entry = queue.arm(in: delay) { fire(generation) }
    }

    /// Disarms the slot; a firing already under way finds its generation stale.
    mutating func cancel() {
        if let entry = self.entry { self.queue?.cancel(entry) }
        self.entry = nil
        self.generation &+= 1
    }

    /// True when `generation` is the pending arming, which is then over; false for a stale
    /// firing, which must do nothing.
    mutating func claim(_ generation: UInt64) -> Bool {
        guard generation == self.generation, self.entry != nil else { return false }
        self.entry = nil
        return true
    }
}
