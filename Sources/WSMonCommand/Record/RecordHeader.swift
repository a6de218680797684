import Foundation
import Synchronization
import WSMonClient
import WSMonCore
import WSMonMonitor

/// The lines a record starts with, in every part: a header naming the format and its
/// version, then one `session` line per session with its options (secrets left out: the
/// headers a session sends are in its `connecting` lines, redacted).
struct RecordHeader {
    static let format = "wsmon-record"
    /// Version 1: the lines of the README's table, with a record's fields (`EventLine.isComplete`).
    static let version = 1

    var frames: Bool
    /// The run's rule for secrets: names and URLs carry query tokens and user:pass@.
    var redaction: Redaction
    var sessions: [(id: Int, options: SessionOptions)] = []

    /// The header line and the session lines of part `part` (1 for the file itself).
    func lines(part: Int, at time: Date) -> [UInt8] {
        var stamp = JSONObject.SecondStamp()
        var header = JSONObject()
        header.addTimestamp("time", time, reusing: &stamp, microseconds: true)
        header.add("event", "record")
        header.add("format", Self.format)
        header.add("version", Self.version)
        header.add("part", part)
        header.add("frames", self.frames)
        header.add("sessions", self.sessions.count)
        var bytes = header.line()
        for (id, options) in self.sessions {
            var json = JSONObject()
            json.addTimestamp("time", time, reusing: &stamp, microseconds: true)
            json.add("event", "session")
            json.add("session", id)
            json.add("name", self.redaction.url(options.name))
            json.add("url", self.redaction.url(options.url.description))
            json.add("insecure", options.tls.insecure)
            json.add("open_timeout_ns", options.openTimeout.nanoseconds)
            json.add("close_timeout_ns", options.closeTimeout.nanoseconds)
            json.add("transport_close_grace_ns", options.transportCloseGrace.nanoseconds)
            if let ping = options.pingInterval { json.add("ping_interval_ns", ping.nanoseconds) }
            json.add("pong_timeout_ns", options.pongTimeout.nanoseconds)
            json.add("reconnect", options.reconnect.isEnabled)
            json.add("backoff_initial_ns", options.reconnect.backoffInitial.nanoseconds)
            json.add("backoff_multiplier", options.reconnect.backoffMultiplier)
            json.add("backoff_cap_ns", options.reconnect.backoffCap.nanoseconds)
            if let proxy = options.proxy { json.add("proxy", "\(proxy.host):\(proxy.port)") }
            bytes += json.line()
        }
        return bytes
    }

    /// The options a replay's monitor needs, from a `session` line.
    static func options(from fields: RecordFields) throws -> (id: Int, options: SessionOptions) {
        let url: WebSocketURL
        do { url = try WebSocketURL(parsing: try fields.text("url")) } catch let error as RecordedValues.Unreadable {
            throw error
        } catch {
            throw RecordedValues.Unreadable(description: "url: \(error)")
        }
        var options = SessionOptions(url: url, name: try fields.text("name"))
        options.tls.insecure = fields.optionalBool("insecure") ?? false
        if let value = fields.optionalInteger("open_timeout_ns") { options.openTimeout = .nanoseconds(value) }
        options.closeTimeout = .nanoseconds(try fields.integer("close_timeout_ns"))
        options.transportCloseGrace = .nanoseconds(try fields.integer("transport_close_grace_ns"))
        options.pingInterval = fields.optionalInteger("ping_interval_ns").map { Duration.nanoseconds($0) }
        if let value = fields.optionalInteger("pong_timeout_ns") { options.pongTimeout = .nanoseconds(value) }
        options.reconnect.isEnabled = fields.optionalBool("reconnect") ?? true
        return (try fields.integer("session"), options)
    }
}

/// A record's first lines as the writer's thread needs them at each rotation: the sessions
/// are known once the run has made them.
final class RecordStart: Sendable {
    private let header: Mutex<RecordHeader>

    init(frames: Bool, redaction: Redaction) {
        self.header = Mutex(RecordHeader(frames: frames, redaction: redaction))
    }

    func lines(part: Int, sessions: [(id: Int, options: SessionOptions)]? = nil) -> [UInt8] {
        self.header.withLock { header in
            if let sessions { header.sessions = sessions }
            return header.lines(part: part, at: Date())
        }
    }
}
