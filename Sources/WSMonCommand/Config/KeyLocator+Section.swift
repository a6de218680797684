import WSMonTOML

extension KeyLocator {
    /// The line of `key` in the section a reader is reading.
    func line(of key: String, in section: SettingsReader.Section) -> Int? {
        switch section {
        case .defaults: return self.line(of: key, inTable: "defaults")
        case .session(let index): return self.line(of: key, inSession: index)
        }
    }
}
