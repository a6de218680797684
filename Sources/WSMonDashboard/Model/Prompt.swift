import WSMonClient
import WSMonCore

/// A line of input at the bottom of the screen: a message to send, a close code and
/// reason, the sessions filter, a frame search, or the file to write.
public struct Prompt: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case send(session: Int)
        case close(session: Int)
        case filter
        case search
        case write(WriteTarget)
        /// `T` in a replay.
        case goToTime
    }

    /// What `w` writes: a message or a frame log, already as JSON Lines.
    public struct WriteTarget: Hashable, Sendable {
        /// "frame 12's message (70000 bytes)", for the prompt and the status.
        public var what: String
        public var contents: [UInt8]
    }

    public var kind: Kind
    public private(set) var text: String
    /// Where typing goes, in characters from the start.
    public private(set) var cursor: Int
    /// Why the last Enter was refused; the prompt stays open to fix it.
    public var error: String?

    public init(_ kind: Kind, text: String = "") {
        self.kind = kind
        self.text = text
        self.cursor = text.count
    }

    public var label: String {
        switch self.kind {
        case .send: return "send (text, or hex:0a0b…): "
        case .close: return "close code and reason [1000]: "
        case .filter: return "filter: "
        case .search: return "search frames: "
        case .write(let target): return "write \(target.what) to: "
        case .goToTime: return "go to (+90s, 15:04:05): "
        }
    }

    /// Applies an editing key; false when the key is not an editing key.
    mutating func edit(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            let index = self.text.index(self.text.startIndex, offsetBy: self.cursor)
            self.text.insert(character, at: index)
            self.cursor += 1
        case .backspace:
            guard self.cursor > 0 else { return true }
            let index = self.text.index(self.text.startIndex, offsetBy: self.cursor - 1)
            self.text.remove(at: index)
            self.cursor -= 1
        case .delete:
            guard self.cursor < self.text.count else { return true }
            self.text.remove(at: self.text.index(self.text.startIndex, offsetBy: self.cursor))
        case .left: self.cursor = max(0, self.cursor - 1)
        case .right: self.cursor = min(self.text.count, self.cursor + 1)
        case .home: self.cursor = 0
        case .end: self.cursor = self.text.count
        default: return false
        }
        self.error = nil
        return true
    }

    /// The close code and reason typed ("4000 bye"; empty: 1000), or why they cannot be sent.
    static func parseClose(_ text: String) -> Result<(CloseCode, String), PromptError> {
        let trimmed = text.drop { $0 == " " }
        let codeText = trimmed.prefix { $0 != " " }
        let reason = String(trimmed.dropFirst(codeText.count).dropFirst())
        guard !codeText.isEmpty else { return .success((.normalClosure, reason)) }
        guard let raw = UInt16(codeText) else {
            return .failure(PromptError("\(codeText) is not a close code (a number such as 1000 or 4000)"))
        }
        let code = CloseCode(raw)
        do { try CloseFrame.validate(code: code, reason: reason) } catch {
            return .failure(PromptError(error.description))
        }
        return .success((code, reason))
    }

    /// The message typed, or why it cannot be sent.
    static func parseMessage(_ text: String) -> Result<OutgoingMessage, PromptError> {
        guard let message = OutgoingMessage(parsing: text) else {
            return .failure(PromptError("hex: must be followed by pairs of hex digits, e.g. hex:0a1b"))
        }
        return .success(message)
    }
}

public struct PromptError: Error, Hashable, Sendable {
    public var message: String
    init(_ message: String) { self.message = message }
}
