import NIOCore
import Prometheus
import Synchronization
import WSMonClient

/// Turns sessions' events into Prometheus series, labelled by target (the session's name,
/// shared by `--count` copies; never a URL, whose query may hold tokens).
///
/// Messages are counted in per-loop tallies without locks and read at scrape time, when
/// the counters are brought up to date; the rarer events (opens, closes, failures, round
/// trips) update their series as they happen. One `scrape()` gives the text exposition.
public final class MetricsExporter: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let state = Mutex(State())

    private struct State {
        var series: [String: TargetSeries] = [:]
        /// The tallies of each loop, in the order targets first came to it.
        var tallies: [ObjectIdentifier: (loop: any EventLoop, tallies: [String: TargetTally])] = [:]
        /// The message counts last added to the counters, per target.
        var exported: [String: TargetReading] = [:]
    }

    public init(version: String) {
        self.registry.makeGauge(descriptor: MetricNames.buildInfo, labels: [("version", version)]).set(to: 1)
    }

    /// A sink for the events of one session of `target` that runs on `eventLoop` (call it
    /// on that loop, as `Session` does).
    public func sink(forTarget target: String, on eventLoop: any EventLoop) -> @Sendable (SessionEvent) -> Void {
        let tally = self.state.withLock { state in
            let series = state.series[target] ?? TargetSeries(target: target, registry: self.registry)
            state.series[target] = series
            let key = ObjectIdentifier(eventLoop)
            if state.tallies[key] == nil { state.tallies[key] = (eventLoop, [:]) }
            if let tally = state.tallies[key]?.tallies[target] { return tally }
            let tally = TargetTally(series: series)
            state.tallies[key]?.tallies[target] = tally
            return tally
        }
        let session = SessionMetrics()
        return { event in tally.apply(event, session: session) }
    }

    /// Every loop's tallies, added up by target.
    func readings() async -> [String: TargetReading] {
        let loops = self.state.withLock { Array($0.tallies.values) }
        var sums: [String: TargetReading] = [:]
        for (loop, tallies) in loops {
            let part = try? await loop.submit { tallies.mapValues(\.current) }.get()
            for (target, reading) in part ?? [:] { sums[target] = (sums[target] ?? TargetReading()) + reading }
        }
        return sums
    }

    /// The text exposition format (version 0.0.4) of every series, as of now.
    public func scrape() async -> [UInt8] {
        let readings = await self.readings()
        self.state.withLock { state in
            for (target, reading) in readings {
                guard let series = state.series[target] else { continue }
                let before = state.exported[target] ?? TargetReading()
                state.exported[target] = self.export(reading, since: before, of: series)
            }
        }
        return self.registry.emitToBuffer()
    }

    /// Sets the gauges to `reading` and adds to the counters what it has more than
    /// `before`; returns what the counters now hold.
    private func export(_ reading: TargetReading, since before: TargetReading, of series: TargetSeries) -> TargetReading
    {
        let target = ("target", series.target)
        for state in SessionState.allCases {
            self.registry.makeGauge(
                descriptor: MetricNames.sessions,
                labels: [target, ("state", state.description)]
            ).set(Double(reading.sessionsByState[state.ordinal]))
        }
        self.registry.makeGauge(descriptor: MetricNames.staleSessions, labels: [target])
            .set(Double(reading.staleSessions))
        if reading.lastMessageTime > 0 {
            self.registry.makeGauge(descriptor: MetricNames.lastMessageTimestamp, labels: [target])
                .set(reading.lastMessageTime)
        }
        var exported = reading
        let messageLabels = [("in", "text"), ("in", "binary"), ("out", "text"), ("out", "binary")]
        for (index, (direction, opcode)) in messageLabels.enumerated() {
            // A slower scrape that read the tallies earlier never takes a counter back.
            let added = max(0, reading.messages[index] - before.messages[index])
            exported.messages[index] = before.messages[index] + added
            self.registry.makeCounter(
                descriptor: MetricNames.messages,
                labels: [target, ("direction", direction), ("opcode", opcode)]
            ).increment(by: Int64(added))
        }
        for (index, direction) in ["in", "out"].enumerated() {
            let added = max(0, reading.payloadBytes[index] - before.payloadBytes[index])
            exported.payloadBytes[index] = before.payloadBytes[index] + added
            self.registry.makeCounter(descriptor: MetricNames.payloadBytes, labels: [target, ("direction", direction)])
                .increment(by: Int64(added))
        }
        return exported
    }
}
