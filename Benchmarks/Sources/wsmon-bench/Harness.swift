// A tiny benchmark harness on ContinuousClock: warm up, then time several runs of a
// "pass" (one unit of repeated work) and keep the rate of each run.

struct Settings {
    var runs = 5
    var minRunTime: Duration = .milliseconds(500)
    var warmupTime: Duration = .milliseconds(300)
    var filter: String?
}

/// One line of the result table.
struct Benchmark {
    enum Target {
        /// A goal the line must reach (same unit as the line).
        case atLeast(Double)
        /// Reported for information only.
        case info
    }

    var name: String
    var unit: Unit
    var target: Target
    /// Prepares the data and returns the pass to time. A pass returns how much work it did
    /// (frames or bytes), and checks its own result so the work cannot be optimised away.
    var setUp: () -> () -> Int
}

enum Unit {
    case framesPerSecond
    case gigabytesPerSecond

    /// Scales a rate in work units per second to the unit shown.
    func scale(_ perSecond: Double) -> Double {
        switch self {
        case .framesPerSecond: perSecond / 1e6
        case .gigabytesPerSecond: perSecond / 1e9
        }
    }

    var label: String {
        switch self {
        case .framesPerSecond: "M frames/s"
        case .gigabytesPerSecond: "GB/s"
        }
    }
}

struct Outcome {
    var median: Double
    var best: Double
    var passesPerRun: Int
}

/// Something the optimiser cannot see through: every pass folds its checksum in here.
nonisolated(unsafe) var sink = 0

@inline(never)
func consume(_ value: Int) {
    sink &+= value
}

func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) * 1e-18
}

func run(_ benchmark: Benchmark, settings: Settings) -> Outcome {
    let pass = benchmark.setUp()
    let clock = ContinuousClock()

    // Warm-up: caches, allocator, branch predictors; also catches a wrong pass early.
    let warmupStart = clock.now
    repeat { consume(pass()) } while clock.now - warmupStart < settings.warmupTime

    var rates: [Double] = []
    var passes = 0
    for _ in 0..<settings.runs {
        var work = 0
        passes = 0
        let start = clock.now
        var elapsed: Duration
        repeat {
            work += pass()
            passes += 1
            elapsed = clock.now - start
        } while elapsed < settings.minRunTime
        consume(work)
        rates.append(benchmark.unit.scale(Double(work) / seconds(elapsed)))
    }
    rates.sort()
    return Outcome(median: rates[rates.count / 2], best: rates.last!, passesPerRun: passes)
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}

func format(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < 2 { text += String(repeating: "0", count: 2 - decimals) }
    }
    return text
}
