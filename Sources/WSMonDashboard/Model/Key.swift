/// A key press, decoded from the terminal by the backend.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, tab, backTab, escape, backspace, delete
    /// Ctrl-C when the terminal delivers it as a key rather than a signal.
    case interrupt
}

/// What the loop reacts to: one enum for every input, as bottom's event loop has.
public enum DashboardInput: Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    /// Ctrl-L: draw the whole screen again.
    case redraw
}
