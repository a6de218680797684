import Prometheus

/// The metric families, named once (computed: the library's descriptor is not Sendable): `wsmon_` prefix, base units, `_total` for counters.
enum MetricNames {
    static var buildInfo: MetricNameDescriptor { name("build_info", "", "The wsmon version; always 1.") }
    static var sessions: MetricNameDescriptor { name("sessions", "", "Sessions by state.") }
    static var staleSessions: MetricNameDescriptor {
        name(
            "stale_sessions",
            "",
            "Open sessions that received no message within --stale-after."
        )
    }
    static var connectAttempts: MetricNameDescriptor {
        name(
            "connect_attempts",
            "total",
            "Connection attempts by result: opened, or why it failed."
        )
    }
    static var opens: MetricNameDescriptor { name("opens", "total", "Opens: the first of a session, or a reconnect.") }
    static var closes: MetricNameDescriptor {
        name("closes", "total", "Connections that ended, by initiator, close code and cleanliness.")
    }
    static var messages: MetricNameDescriptor { name("messages", "total", "Whole messages, by direction and opcode.") }
    static var payloadBytes: MetricNameDescriptor {
        name("payload_bytes", "total", "Message payload bytes, by direction.")
    }
    static var peerViolations: MetricNameDescriptor {
        name("peer_violations", "total", "Protocol violations by the server.")
    }
    static var pongTimeouts: MetricNameDescriptor {
        name("pong_timeouts", "total", "Connections failed because a ping went unanswered.")
    }
    static var handshakeDuration: MetricNameDescriptor {
        name(
            "handshake_duration",
            "seconds",
            "Phases of the attempts that opened: dns, tcp, tls, upgrade."
        )
    }
    static var pingRTT: MetricNameDescriptor { name("ping_rtt", "seconds", "Round trip from ping to pong.") }
    static var connectionDuration: MetricNameDescriptor {
        name("connection_duration", "seconds", "How long connections stayed open.")
    }
    static var reconnectDelay: MetricNameDescriptor {
        name("reconnect_delay", "seconds", "Backoff delays before reconnect attempts.")
    }
    static var lastMessageTimestamp: MetricNameDescriptor {
        name(
            "last_message_timestamp",
            "seconds",
            "When the newest message of the target's sessions arrived (Unix time)."
        )
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "wsmon", metricName: metric, unitName: unit, helpText: help)
    }
}

/// Histogram buckets, in seconds.
enum Buckets {
    static let handshake = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let roundTrip = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    static let connection: [Double] = [1, 10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600]
    static let reconnectDelay = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300]
}
