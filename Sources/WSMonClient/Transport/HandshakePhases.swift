import NIOCore

/// A step of opening a connection, in the order they happen: the phases timed in
/// `HandshakePhases`, and what an open timeout was still waiting for.
public enum HandshakePhase: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Resolving the host name (none for an IP literal).
    case dns
    /// The TCP connect, and the HTTP CONNECT tunnel through a proxy.
    case tcp
    /// The TLS handshake (wss:// only).
    case tls
    /// From the upgrade request to the server's answer.
    case upgrade

    public var description: String {
        switch self {
        case .dns: return "resolving the host name"
        case .tcp: return "connecting TCP (or waiting for the proxy's tunnel)"
        case .tls: return "in the TLS handshake"
        case .upgrade: return "waiting for the server's upgrade response"
        }
    }
}

/// How long each phase of one attempt took: every phase that began, in order, so they add
/// up to the attempt's time. For an attempt that failed the last one is the phase it failed
/// in, timed until it failed.
public struct HandshakePhases: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var phase: HandshakePhase
        public var duration: Duration

        public init(_ phase: HandshakePhase, _ duration: Duration) {
            self.phase = phase
            self.duration = duration
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public var total: Duration { self.entries.reduce(.zero) { $0 + $1.duration } }

    public func duration(of phase: HandshakePhase) -> Duration? {
        self.entries.first { $0.phase == phase }?.duration
    }

    /// The phase under way when the attempt ended (the last one begun).
    public var lastPhase: HandshakePhase? { self.entries.last?.phase }
}

/// The instants an attempt reached the end of each phase, on the loop's monotonic clock.
struct HandshakeMarks {
    let started: NIODeadline
    /// The host is a name to resolve (the proxy's, through a proxy).
    let resolves: Bool
    let secure: Bool
    var resolved: NIODeadline?
    var connected: NIODeadline?
    var secured: NIODeadline?

    /// The phases from `started` to `end` (the answer to the upgrade, or the failure).
    func phases(until end: NIODeadline) -> HandshakePhases {
        var steps: [(HandshakePhase, NIODeadline?)] = []
        if self.resolves { steps.append((.dns, self.resolved)) }
        steps.append((.tcp, self.connected))
        if self.secure { steps.append((.tls, self.secured)) }
        steps.append((.upgrade, nil))
        var entries: [HandshakePhases.Entry] = []
        var from = self.started
        for (phase, mark) in steps {
            // Marks never go backwards, and none passes the end.
            let until = min(max(mark ?? end, from), end)
            entries.append(.init(phase, (until - from).duration))
            guard mark != nil else { break }
            from = until
        }
        return HandshakePhases(entries)
    }
}
