/// A problem in a TOML file (a config file, a theme), located as precisely as we can.
public struct TOMLFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, or the option that named it (`--theme` for a name that is no theme).
    public var path: String
    public var line: Int?
    /// The key at fault as the file writes it, dotted when nested (`state.open.fg`).
    public var key: String?
    public var message: String

    public init(path: String, line: Int?, key: String?, message: String) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
    }

    /// `path:line: key: message`, leaving out what is not known.
    public var description: String {
        var location = self.path
        if let line = self.line { location += ":\(line)" }
        if let key = self.key { return "\(location): \(key): \(self.message)" }
        return "\(location): \(self.message)"
    }
}
