/// How long drawing takes (render, diff and terminal writes), shown in the help overlay
/// so anyone can check the dashboard's cost on their own terminal.
public struct DrawStats: Hashable, Sendable {
    public private(set) var frames = 0
    public private(set) var totalSeconds = 0.0
    public private(set) var slowestSeconds = 0.0
    public private(set) var lastSeconds = 0.0

    public init() {}

    public mutating func record(seconds: Double) {
        self.frames += 1
        self.totalSeconds += seconds
        self.slowestSeconds = max(self.slowestSeconds, seconds)
        self.lastSeconds = seconds
    }

    public var meanSeconds: Double { self.frames == 0 ? 0 : self.totalSeconds / Double(self.frames) }
}
