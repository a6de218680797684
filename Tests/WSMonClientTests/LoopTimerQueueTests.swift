import NIOCore
import NIOEmbedded
import Testing
import WSMonTestSupport

@testable import WSMonClient

/// The per-loop timer queue behind every `LoopTimer`, on virtual time.
@Suite("Loop timer queue")
struct LoopTimerQueueTests {
    final class Log {
        var fired: [String] = []
    }

    @Test func timersFireInDeadlineOrderAndEqualDeadlinesInArmingOrder() {
        let loop = EmbeddedEventLoop()
        let log = Log()
        var timers = [LoopTimer](repeating: LoopTimer(), count: 4)
        for (index, (name, seconds)) in [("a", 3), ("b", 1), ("c", 1), ("d", 2)].enumerated() {
            timers[index].arm(in: .seconds(Int64(seconds)), on: loop) { _ in log.fired.append(name) }
        }
        loop.advanceTime(by: .milliseconds(999))
        #expect(log.fired.isEmpty)
        loop.advanceTime(by: .milliseconds(1))
        #expect(log.fired == ["b", "c"])
        loop.advanceTime(by: .seconds(2))
        #expect(log.fired == ["b", "c", "d", "a"])
    }

    @Test func aCancelledTimerNeverFiresAndLetsGoOfWhatItCaptured() {
        final class Owner {}
        let loop = EmbeddedEventLoop()
        var timer = LoopTimer()
        weak var released: Owner?
        var fired = false
        do {
            let owner = Owner()
            released = owner
            timer.arm(in: .seconds(5), on: loop) { _ in
                withExtendedLifetime(owner) { fired = true }
            }
        }
        #expect(released != nil)
        timer.cancel()
        #expect(released == nil, "cancelling drops the callback now, not when its deadline comes")
        #expect(!timer.isArmed)
        loop.advanceTime(by: .seconds(10))
        #expect(!fired)
    }

    @Test func rearmingReplacesTheEarlierArming() {
        let loop = EmbeddedEventLoop()
        let log = Log()
        var timer = LoopTimer()
        timer.arm(in: .seconds(1), on: loop) { _ in log.fired.append("first") }
        timer.arm(in: .seconds(3), on: loop) { _ in log.fired.append("second") }
        loop.advanceTime(by: .seconds(2))
        #expect(log.fired.isEmpty)
        loop.advanceTime(by: .seconds(1))
        #expect(log.fired == ["second"])
    }

    /// Two timers due in the same turn: the first one's callback cancels the second, which
    /// then does not run (with one NIO task per timer it would, already taken for the turn).
    @Test func aTimerCancelledByAnotherDueInTheSameTurnDoesNotFire() {
        let loop = EmbeddedEventLoop()
        let log = Log()
        var first = LoopTimer()
        var second = LoopTimer()
        first.arm(in: .seconds(1), on: loop) { _ in
            log.fired.append("first")
            second.cancel()
        }
        second.arm(in: .seconds(1), on: loop) { _ in log.fired.append("second") }
        loop.advanceTime(by: .seconds(1))
        #expect(log.fired == ["first"])
    }

    @Test func aTimerArmedWhileOthersFireWaitsBehindThoseAlreadyDue() {
        let loop = EmbeddedEventLoop()
        let log = Log()
        var a = LoopTimer()
        var b = LoopTimer()
        var c = LoopTimer()
        a.arm(in: .seconds(1), on: loop) { _ in
            log.fired.append("a")
            c.arm(in: .zero, on: loop) { _ in log.fired.append("c") }
        }
        b.arm(in: .seconds(1), on: loop) { _ in log.fired.append("b") }
        loop.advanceTime(by: .seconds(1))
        #expect(log.fired == ["a", "b", "c"])
    }

    @Test func eachLoopHasItsOwnQueue() {
        let one = EmbeddedEventLoop()
        let two = EmbeddedEventLoop()
        let log = Log()
        var onOne = LoopTimer()
        var onTwo = LoopTimer()
        onOne.arm(in: .seconds(1), on: one) { _ in log.fired.append("one") }
        onTwo.arm(in: .seconds(1), on: two) { _ in log.fired.append("two") }
        #expect(LoopTimerQueue.of(one) !== LoopTimerQueue.of(two))
        two.advanceTime(by: .seconds(1))
        #expect(log.fired == ["two"])
        one.advanceTime(by: .seconds(1))
        #expect(log.fired == ["two", "one"])
    }

    /// Thousands of random arms, cancels and time steps (enough cancels to rebuild the heap
    /// many times) against a sorted list: the same timers fire, in the same order, on time.
    @Test func randomArmsAndCancelsFireExactlyLikeASortedList() {
        let loop = EmbeddedEventLoop()
        let queue = LoopTimerQueue.of(loop)
        var random = SeededRandom(seed: 0x71AE)
        struct Expected {
            let id: Int
            let deadline: NIODeadline
        }
        var live: [Int: (entry: LoopTimerQueue.Entry, expected: Expected)] = [:]
        var fired: [(id: Int, at: NIODeadline)] = []
        var expectedFirings: [Expected] = []
        for id in 0..<20_000 {
            switch random.next() % 10 {
            case 0..<5:
                let delay = TimeAmount.milliseconds(Int64(random.next() % 10_000))
                let entry = queue.arm(in: delay) {
                    live[id] = nil
                    fired.append((id, loop.now))
                }
                live[id] = (entry, Expected(id: id, deadline: loop.now + delay))
            case 5..<9:
                guard let victim = live.keys.min(by: { ($0 &* 0x9E37) % 7_919 < ($1 &* 0x9E37) % 7_919 }) else {
                    continue
                }
                queue.cancel(live[victim]!.entry)
                live[victim] = nil
            default:
                let step = TimeAmount.milliseconds(Int64(random.next() % 100))
                let until = loop.now + step
                let due = live.values.map(\.expected).filter { $0.deadline <= until }
                expectedFirings += due.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
                loop.advanceTime(to: until)
            }
        }
        let rest = live.values.map(\.expected).sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
        expectedFirings += rest
        loop.advanceTime(by: .seconds(20))
        #expect(live.isEmpty)
        #expect(fired.map(\.id) == expectedFirings.map(\.id))
        #expect(fired.map(\.at) == expectedFirings.map(\.deadline), "each fired at its own deadline")
    }
}
