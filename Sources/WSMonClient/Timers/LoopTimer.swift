import NIOCore

/// One timer slot of an owner confined to one event loop, whose firing is ignored once the
/// slot was re-armed or cancelled.
///
/// Cancelling a NIO task cannot stop it once the loop has taken it for the current tick:
/// a pong that cancels the pong timer in the same tick still sees the old timer run. So
/// every arming gets a generation, the task hands its generation back, and only the current
/// one may `claim` the slot (async-http-client's `currentIdleReadTimeoutTimerID &+= 1`).
///
/// ```swift
/// self.closeTimer.arm(in: delay, on: loop) { [self] generation in
///     guard self.closeTimer.claim(generation) else { return }
///     …
/// }
/// ```
struct LoopTimer {
    private var generation: UInt64 = 0
    private var task: Scheduled<Void>?

    /// True while an arming is pending (armed, not yet claimed or cancelled).
    var isArmed: Bool { self.task != nil }

    /// Arms the slot, defusing any earlier arming. `fire` runs on `eventLoop` with the
    /// generation it must `claim`.
    mutating func arm(in delay: TimeAmount, on eventLoop: any EventLoop, _ fire: @escaping (UInt64) -> Void) {
        self.task?.cancel()
        self.generation &+= 1
        let generation = self.generation
        self.task = eventLoop.assumeIsolated().scheduleTask(in: delay) { fire(generation) }
    }

    /// Disarms the slot; a firing already under way finds its generation stale.
    mutating func cancel() {
        self.task?.cancel()
        self.task = nil
        self.generation &+= 1
    }

    /// True when `generation` is the pending arming, which is then over; false for a stale
    /// firing, which must do nothing.
    mutating func claim(_ generation: UInt64) -> Bool {
        guard generation == self.generation, self.task != nil else { return false }
        self.task = nil
        return true
    }
}
