/// What the loop does for the model at the terminal or on disk, after the keys that asked
/// for it: the model decides, the loop (which owns the terminal) carries it out.
public enum DashboardOutput: Hashable, Sendable {
    /// Put text on the terminal's clipboard with OSC 52, the text base64-encoded.
    case copy(base64: String)
    /// Create the file `path` (never over an existing one) holding `contents`.
    case write(path: String, contents: [UInt8], what: String)
}
