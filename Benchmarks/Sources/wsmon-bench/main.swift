import WSMonCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Arguments

var settings = Settings()
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--quick":
        settings.runs = 3
        settings.minRunTime = .milliseconds(200)
        settings.warmupTime = .milliseconds(100)
    case "--runs":
        guard let value = arguments.popFirst().flatMap(Int.init), value > 0 else { fatalError("--runs N") }
        settings.runs = value
    case "--min-time":
        guard let value = arguments.popFirst().flatMap(Double.init), value > 0 else { fatalError("--min-time SECONDS") }
        settings.minRunTime = .milliseconds(Int(value * 1000))
    case "--filter":
        settings.filter = arguments.popFirst()
    case "-h", "--help":
        print(
            """
            usage: wsmon-bench [--quick] [--runs N] [--min-time SECONDS] [--filter TEXT]
              --quick        3 runs of >= 0.2 s (default: 5 runs of >= 0.5 s after 0.3 s warm-up)
              --filter TEXT  only the lines whose name contains TEXT
            """
        )
        exit(0)
    default:
        fatalError("unknown argument \(argument); try --help")
    }
}

// MARK: - Benchmarks

let asciiHeavy = text(size: 1 << 20, ascii: asciiWords, foreign: latinAccented, foreignShare: 0.02, seed: 3)
let pureASCII = text(size: 1 << 20, ascii: asciiWords, foreign: [], foreignShare: 0, seed: 4)
let mostlyNonASCII = text(size: 1 << 20, ascii: asciiWords, foreign: cyrillicAndCJK, foreignShare: 0.9, seed: 5)

func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

let benchmarks: [Benchmark] = [
    Benchmark(
        name: "parse 32 B text frames",
        unit: .framesPerSecond,
        target: .atLeast(5),
        setUp: { smallTextFrames(recordFrames: true) }
    ),
    Benchmark(
        name: "  same, recordFrames off",
        unit: .framesPerSecond,
        target: .info,
        setUp: { smallTextFrames(recordFrames: false) }
    ),
    Benchmark(
        name: "parse 1 MiB binary frames",
        unit: .gigabytesPerSecond,
        target: .atLeast(2),
        setUp: { largeBinaryFrames(recordFrames: true) }
    ),
    Benchmark(
        name: "  same, recordFrames off",
        unit: .gigabytesPerSecond,
        target: .info,
        setUp: { largeBinaryFrames(recordFrames: false) }
    ),
    Benchmark(
        name: "masking, 1 MiB buffer",
        unit: .gigabytesPerSecond,
        target: .atLeast(4),
        setUp: { masking(size: 1 << 20) }
    ),
    Benchmark(
        name: "  masking, 64 KiB buffer",
        unit: .gigabytesPerSecond,
        target: .info,
        setUp: { masking(size: 64 << 10) }
    ),
    Benchmark(
        name: "UTF-8, ASCII-heavy (\(percent(nonASCIIShare(asciiHeavy))) non-ASCII)",
        unit: .gigabytesPerSecond,
        target: .atLeast(1),
        setUp: { utf8Validation(asciiHeavy) }
    ),
    Benchmark(
        name: "  UTF-8, pure ASCII",
        unit: .gigabytesPerSecond,
        target: .info,
        setUp: { utf8Validation(pureASCII) }
    ),
    Benchmark(
        name: "  UTF-8, Cyrillic/CJK (\(percent(nonASCIIShare(mostlyNonASCII))) non-ASCII)",
        unit: .gigabytesPerSecond,
        target: .info,
        setUp: { utf8Validation(mostlyNonASCII) }
    ),
]

// MARK: - Table

let columns = (name: 38, number: 9, unit: 11, target: 9)

func row(_ name: String, _ median: String, _ best: String, _ unit: String, _ target: String, _ status: String) -> String
{
    pad(name, columns.name) + pad(median, columns.number, right: true) + pad(best, columns.number, right: true) + "  "
        + pad(unit, columns.unit) + pad(target, columns.target, right: true) + "  " + status
}

func loadAverage() -> String {
    #if os(Linux)
    if let file = fopen("/proc/loadavg", "r") {
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        if fgets(&buffer, Int32(buffer.count), file) != nil {
            let text = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return text.split(separator: " ").prefix(3).joined(separator: " ")
        }
    }
    #endif
    return "n/a"
}

#if DEBUG
print("warning: debug build; use `swift run -c release ...` for meaningful figures\n")
#endif
print(
    "wsmon-bench: \(settings.runs) runs of >= \(format(seconds(settings.minRunTime))) s each after "
        + "\(format(seconds(settings.warmupTime))) s warm-up; reads of \(readSize / 1024) KiB; GB = 10^9 bytes of payload"
)
print("load average before start: \(loadAverage())\n")
let header = row("benchmark", "median", "best", "unit", "target", "status")
print(header)
print(String(repeating: "-", count: header.count + 4))

var belowTarget = 0
for benchmark in benchmarks {
    if let filter = settings.filter, !benchmark.name.localizedLowercase.contains(filter.localizedLowercase) {
        continue
    }
    let outcome = run(benchmark, settings: settings)
    let target: String
    let status: String
    switch benchmark.target {
    case .atLeast(let goal):
        target = ">= " + format(goal)
        status = outcome.median >= goal ? "PASS" : "BELOW"
        if outcome.median < goal { belowTarget += 1 }
    case .info:
        target = ""
        status = "(info)"
    }
    print(row(benchmark.name, format(outcome.median), format(outcome.best), benchmark.unit.label, target, status))
    fflush(nil)
}
print("\nPASS/BELOW compares the median with the target. load average at end: \(loadAverage())")
consume(0)
exit(belowTarget == 0 ? 0 : 1)
