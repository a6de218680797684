import Glibc

/// Writes what `w` asked for: a new file (an existing one is never overwritten), `~/`
/// meaning the home directory.
enum FileExport {
    /// Creates `path` holding `contents`; returns why it could not, or nil.
    static func create(_ path: String, contents: [UInt8]) -> String? {
        var resolved = path
        if path.hasPrefix("~/"), let home = getenv("HOME").map({ String(cString: $0) }) {
            resolved = home + path.dropFirst(1)
        }
        let descriptor = open(resolved, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            return errno == EEXIST ? "it exists; give another name" : String(cString: strerror(errno))
        }
        defer { close(descriptor) }
        var written = 0
        while written < contents.count {
            let count = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count < 0 ? String(cString: strerror(errno)) : "nothing could be written" }
            written += count
        }
        return nil
    }
}
