import WSMonClient
import WSMonCore

/// What the dashboard asks of the program around it: the dashboard reads snapshots and
/// never touches a session itself; the command layer carries these out.
public enum DashboardRequest: Hashable, Sendable {
    case send(session: Int, OutgoingMessage)
    case close(session: Int, code: CloseCode, reason: String)
    case ping(session: Int)
    case reconnect(session: Int)
    /// Drop the TCP connection abruptly, without a Close frame.
    case drop(session: Int)
    /// Close every session gracefully and exit; asked a second time, exit at once.
    case quit
    /// Move a replay's time cursor.
    case replay(ReplayCommand)
}
