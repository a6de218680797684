import Prometheus
import WSMonClient

/// The series of one target that events update directly: a connection's open, close and
/// timings, a ping's round trip. They come once per connection or per ping, not per
/// message, so the registry's atomics and locks cost nothing that shows. Series whose
/// labels depend on the event (a failure's reason, a close's code) are looked up in the
/// registry when they happen.
final class TargetSeries: Sendable {
    let target: String
    private let registry: PrometheusCollectorRegistry
    let firstOpens: Counter
    let reconnectOpens: Counter
    let openedAttempts: Counter
    let pongTimeouts: Counter
    let handshakePhases: [HandshakePhase: ValueHistogram]
    let pingRTT: ValueHistogram
    let connectionDuration: ValueHistogram
    let reconnectDelay: ValueHistogram

    init(target: String, registry: PrometheusCollectorRegistry) {
        self.target = target
        self.registry = registry
        let labels = [("target", target)]
        self.firstOpens = registry.makeCounter(descriptor: MetricNames.opens, labels: labels + [("kind", "first")])
        self.reconnectOpens = registry.makeCounter(
            descriptor: MetricNames.opens,
            labels: labels + [("kind", "reconnect")]
        )
        self.openedAttempts = registry.makeCounter(
            descriptor: MetricNames.connectAttempts,
            labels: labels + [("result", "opened")]
        )
        self.pongTimeouts = registry.makeCounter(descriptor: MetricNames.pongTimeouts, labels: labels)
        var phases: [HandshakePhase: ValueHistogram] = [:]
        for phase in HandshakePhase.allCases {
            phases[phase] = registry.makeValueHistogram(
                descriptor: MetricNames.handshakeDuration,
                labels: labels + [("phase", phase.rawValue)],
                buckets: Buckets.handshake
            )
        }
        self.handshakePhases = phases
        self.pingRTT = registry.makeValueHistogram(
            descriptor: MetricNames.pingRTT,
            labels: labels,
            buckets: Buckets.roundTrip
        )
        self.connectionDuration = registry.makeValueHistogram(
            descriptor: MetricNames.connectionDuration,
            labels: labels,
            buckets: Buckets.connection
        )
        self.reconnectDelay = registry.makeValueHistogram(
            descriptor: MetricNames.reconnectDelay,
            labels: labels,
            buckets: Buckets.reconnectDelay
        )
    }

    func attemptFailed(_ reason: String) {
        self.registry.makeCounter(
            descriptor: MetricNames.connectAttempts,
            labels: [("target", self.target), ("result", reason)]
        ).increment()
    }

    func closed(initiator: String, code: UInt16, clean: Bool) {
        self.registry.makeCounter(
            descriptor: MetricNames.closes,
            labels: [
                ("target", self.target), ("initiator", initiator), ("code", CloseCodeLabel.label(code)),
                ("clean", clean ? "true" : "false"),
            ]
        ).increment()
    }

    func violation(_ name: String) {
        self.registry.makeCounter(
            descriptor: MetricNames.peerViolations,
            labels: [("target", self.target), ("violation", name)]
        ).increment()
    }
}
