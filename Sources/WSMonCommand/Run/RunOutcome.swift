import WSMonClient
import WSMonCore

/// What a run amounts to, as an exit status for scripts (documented in the README and
/// `--help`).
enum ExitStatus: Int32 {
    /// Every connection that ended, ended with a clean close handshake.
    case clean = 0
    /// Some connection closed abnormally, failed, or could not be made.
    case abnormal = 1
    /// A server rejected an opening handshake (an HTTP status other than 101).
    case rejected = 2
    /// Bad arguments or a bad config file.
    case usage = 64
    /// `wsmon replay`: a record that cannot be read (foreign, another version, a bad line).
    case badRecord = 65
    /// Writing stdout or the record failed (a full disk, an I/O error); stderr says which.
    case outputFailed = 74
    /// Interrupted twice: sessions were not given time to close.
    case interrupted = 130

    static let help = """
        Exit status: 0 every connection closed cleanly; 1 some closed abnormally or could not \
        connect; 2 a handshake was rejected (takes precedence over 1); 64 bad usage or config; \
        65 a record that wsmon replay cannot read; \
        74 writing stdout or the record failed; 130 a second Ctrl-C cut the graceful close \
        short. When stdout's reader goes away (| head), sessions close and the status is as above.
        """
}

/// Watches events for what the exit status reports.
struct OutcomeTally: Sendable {
    private(set) var rejected = false
    private(set) var abnormal = false

    /// `shuttingDown`: we are closing every session, so an attempt cut short by that is not
    /// the server's fault.
    mutating func observe(_ event: SessionEvent, shuttingDown: Bool) {
        switch event.kind {
        case .connectFailed(.handshakeRejected, _):
            self.rejected = true
        case .connectFailed(.cancelled, _):
            // We gave the attempt up (a close while connecting): not the server's doing.
            break
        case .connectFailed:
            if !shuttingDown { self.abnormal = true }
        case .closed(let summary, _):
            if !summary.wasClean { self.abnormal = true }
        default:
            break
        }
    }

    var status: ExitStatus {
        if self.rejected { return .rejected }
        return self.abnormal ? .abnormal : .clean
    }
}
