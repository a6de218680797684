import WSMonCore

/// Numbers as the dashboard shows them: short, with units, readable at a glance.
public enum Units {
    /// 999, 1.2k, 12k, 1.2M, 12G.
    public static func count<N: BinaryInteger>(_ value: N) -> String {
        self.scaled(Double(value), suffixes: ["", "k", "M", "G", "T"], base: 1000)
    }

    /// Per-second rates: 0, 0.4, 12, 1.2k.
    public static func rate(_ value: Double) -> String {
        if value == 0 { return "0" }
        if value < 10 { return self.oneDecimal(value) }
        return self.scaled(value, suffixes: ["", "k", "M", "G", "T"], base: 1000)
    }

    /// 512 B, 1.2 KB, 34 MB (decimal units, like the rates).
    public static func bytes<N: BinaryInteger>(_ value: N) -> String {
        self.scaled(Double(value), suffixes: [" B", " KB", " MB", " GB", " TB"], base: 1000)
    }

    public static func byteRate(_ value: Double) -> String {
        self.scaled(value, suffixes: [" B/s", " KB/s", " MB/s", " GB/s", " TB/s"], base: 1000)
    }

    /// 850ms, 12.3s, 4m05s, 1h02m, 3d04h.
    public static func duration(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 1 { return "\(Int((seconds * 1000).rounded(.down)))ms" }
        if seconds < 60 { return self.oneDecimal(seconds) + "s" }
        let whole = Int(seconds)
        if whole < 3600 { return "\(whole / 60)m" + self.twoDigits(whole % 60) + "s" }
        if whole < 86400 { return "\(whole / 3600)h" + self.twoDigits(whole / 60 % 60) + "m" }
        return "\(whole / 86400)d" + self.twoDigits(whole / 3600 % 24) + "h"
    }

    /// Round-trip times: 0.4ms, 12ms, 1.2s.
    public static func rtt(_ seconds: Double) -> String {
        let milliseconds = seconds * 1000
        if milliseconds < 10 { return self.oneDecimal(milliseconds) + "ms" }
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded()))ms" }
        return self.oneDecimal(seconds) + "s"
    }

    /// "+1.234s" offsets within a close handshake.
    public static func offset(_ seconds: Double) -> String {
        let milliseconds = Int((max(0, seconds) * 1000).rounded())
        return "+\(milliseconds / 1000).\(self.threeDigits(milliseconds % 1000))s"
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func threeDigits(_ value: Int) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
    }

    private static func scaled(_ value: Double, suffixes: [String], base: Double) -> String {
        var value = value
        var index = 0
        while value >= base * 0.9995 && index < suffixes.count - 1 {
            value /= base
            index += 1
        }
        if index == 0 { return "\(Int(value.rounded()))" + suffixes[0] }
        return (value < 10 ? self.oneDecimal(value) : "\(Int(value.rounded()))") + suffixes[index]
    }
}

/// Wall-clock times of day with milliseconds, in a fixed offset from UTC (the local one
/// when the dashboard runs; UTC in tests).
public struct ClockFormat: Sendable {
    public var utcOffsetSeconds: Int

    public init(utcOffsetSeconds: Int) {
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// 20:41:03.123
    public func timeOfDay(_ secondsSince1970: Double) -> String {
        let milliseconds = Int64((secondsSince1970 * 1000).rounded(.down)) + Int64(self.utcOffsetSeconds) * 1000
        let dayMilliseconds = Int((milliseconds % 86_400_000 + 86_400_000) % 86_400_000)
        let seconds = dayMilliseconds / 1000
        return Units.twoDigits(seconds / 3600) + ":" + Units.twoDigits(seconds / 60 % 60) + ":"
            + Units.twoDigits(seconds % 60) + "." + Units.threeDigits(dayMilliseconds % 1000)
    }
}

extension CloseCode {
    /// The code's registered name, or the range it belongs to, for the inspector.
    var label: String? {
        switch self.rawValue {
        case 3000...3999: return "registered"
        case 4000...4999: return "application"
        default: return self.name
        }
    }
}
