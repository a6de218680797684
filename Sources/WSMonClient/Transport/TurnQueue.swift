import NIOCore
import NIOPosix

/// The connections of one event loop that gave their turn away with bytes left to parse.
/// They are served in rounds, one turn each, and a round is one task, due a moment after
/// the last one ended: NIO runs every task that is due before it looks at I/O again, so if
/// each connection rescheduled itself, their tasks (each due while another parses) would
/// keep the loop from its I/O, the handshakes, reads and timers of everyone else, for as
/// long as the floods last. One task per loop leaves the I/O a gap after every round.
///
/// Unchecked Sendable: each thread has its own queue (`current`), touched only there.
final class TurnQueue: @unchecked Sendable {
    /// The queue of the event loop running on this thread.
    static var current: TurnQueue {
        if let queue = Self.perThread.currentValue { return queue }
        let queue = TurnQueue()
        Self.perThread.currentValue = queue
        return queue
    }

    private static let perThread = ThreadSpecificVariable<TurnQueue>()

    /// How soon the next round comes when the loop has nothing else to do.
    static let gap: TimeAmount = .microseconds(50)

    private var waiting: [WebSocketConnectionHandler] = []
    private var roundScheduled = false
    private var inRound = false

    /// `handler` gets a turn in the next round.
    func enqueue(_ handler: WebSocketConnectionHandler, on eventLoop: any EventLoop) {
        self.waiting.append(handler)
        // During a round the next one is scheduled when it ends: were it due from now, it
        // would be due before this round is over, and run in the same tick.
        if !self.inRound { self.scheduleRound(on: eventLoop) }
    }

    private func scheduleRound(on eventLoop: any EventLoop) {
        guard !self.roundScheduled else { return }
        self.roundScheduled = true
        eventLoop.assumeIsolated().scheduleTask(in: Self.gap) {
            self.roundScheduled = false
            self.runRound(on: eventLoop)
        }
    }

    private func runRound(on eventLoop: any EventLoop) {
        let round = self.waiting
        self.waiting = []
        // Alone in its round, a connection may take a longer turn: nobody else waits.
        let alone = round.count == 1
        self.inRound = true
        for handler in round { handler.takeTurn(alone: alone) }
        self.inRound = false
        if !self.waiting.isEmpty { self.scheduleRound(on: eventLoop) }
    }
}
