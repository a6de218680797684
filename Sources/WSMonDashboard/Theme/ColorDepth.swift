/// How many colours the terminal shows, and so how a theme's colours are turned into the
/// colour numbers ncurses takes.
public enum ColorDepth: Sendable {
    /// No colours: themes show through their attributes only.
    case monochrome
    /// The 8 ANSI colours.
    case basic8
    /// The 16 ANSI colours.
    case basic16
    /// The xterm 256-colour palette.
    case palette256
    /// 24-bit colour, numbered `r << 16 | g << 8 | b` (a direct-colour terminfo entry such as
    /// `xterm-direct`).
    case direct

    /// The depth for ncurses' `COLORS`.
    ///
    /// `colorTerm` (`$COLORTERM`) does not change it: ncurses refuses colour numbers of
    /// `COLORS` and above, so a terminal that claims `truecolor` under a 256-colour terminfo
    /// entry still gets the palette; 24-bit colour needs `TERM` naming a direct-colour entry.
    public init(colors: Int, colorTerm: String?) {
        switch colors {
        case ..<8: self = .monochrome
        case ..<16: self = .basic8
        case ..<256: self = .basic16
        case ..<(1 << 24): self = .palette256
        default: self = .direct
        }
    }

    /// The ncurses colour number for `color`: -1 for the terminal's own colour, and for every
    /// colour in monochrome.
    public func terminalColor(_ color: Color) -> Int32 {
        if self == .monochrome { return -1 }
        switch color {
        case .terminalDefault: return -1
        case .ansi(let index): return self.paletteColor(index)
        case .indexed(let index): return self.paletteColor(index)
        case .rgb(let red, let green, let blue): return self.rgbColor(red: Int(red), green: Int(green), blue: Int(blue))
        }
    }

    /// Palette entry `index`; 0–15 are the ANSI colours, whether named or numbered.
    private func paletteColor(_ index: UInt8) -> Int32 {
        switch self {
        case .monochrome: return -1
        case .basic8 where index < 16: return Int32(index % 8)
        case .basic16 where index < 16: return Int32(index)
        case .palette256: return Int32(index)
        case .basic8, .basic16, .direct:
            let (red, green, blue) = Self.xtermRGB(index)
            return self.rgbColor(red: red, green: green, blue: blue)
        }
    }

    private func rgbColor(red: Int, green: Int, blue: Int) -> Int32 {
        switch self {
        case .monochrome: return -1
        case .basic8 where red == green && green == blue:
            // By distance a mid grey is nearest yellow (#cdcd00 is close in two channels).
            return Int32(Self.nearest(red, green, blue, among: [0, 7]))
        case .basic8: return Int32(Self.nearest(red, green, blue, among: Array(0..<8)))
        case .basic16: return Int32(Self.nearest(red, green, blue, among: Array(0..<16)))
        case .palette256: return Int32(Self.nearestCubeOrGrey(red, green, blue))
        case .direct:
            // xterm-direct's terminfo sends numbers below 8 as ANSI colours: keep near-blacks RGB.
            let value = red << 16 | green << 8 | blue
            return Int32(value == 0 ? 0 : max(value, 8))
        }
    }

    /// xterm's default RGB for palette entry `index`.
    private static func xtermRGB(_ index: UInt8) -> (Int, Int, Int) {
        switch index {
        case 0..<16:
            let ansi = Self.ansiRGB[Int(index)]
            return (ansi >> 16, ansi >> 8 & 0xFF, ansi & 0xFF)
        case 16..<232:
            let cube = Int(index) - 16
            return (Self.cubeLevels[cube / 36], Self.cubeLevels[cube / 6 % 6], Self.cubeLevels[cube % 6])
        default:
            let grey = 8 + 10 * (Int(index) - 232)
            return (grey, grey, grey)
        }
    }

    private static let ansiRGB = [
        0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
        0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
    ]
    private static let cubeLevels = [0, 95, 135, 175, 215, 255]

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)
    }

    /// The entry of `palette` closest to the colour (the first of equals).
    private static func nearest(_ red: Int, _ green: Int, _ blue: Int, among palette: [UInt8]) -> UInt8 {
        let distances = palette.map { (index: $0, distance: Self.distance(Self.xtermRGB($0), (red, green, blue))) }
        return distances.min { $0.distance < $1.distance }?.index ?? 0
    }

    /// The closer of the nearest cube colour and the nearest grey, as tmux's `colour_find_rgb`.
    private static func nearestCubeOrGrey(_ red: Int, _ green: Int, _ blue: Int) -> UInt8 {
        // The nearest level of each channel: the thresholds are the midpoints between levels.
        func level(_ value: Int) -> Int {
            if value < 48 { return 0 }
            if value < 114 { return 1 }
            return (value - 35) / 40
        }
        let (levelRed, levelGreen, levelBlue) = (level(red), level(green), level(blue))
        let cubeIndex = 16 + 36 * levelRed + 6 * levelGreen + levelBlue
        let greyIndex = min(23, max(0, ((red + green + blue) / 3 - 3) / 10))
        let cube = (Self.cubeLevels[levelRed], Self.cubeLevels[levelGreen], Self.cubeLevels[levelBlue])
        let grey = 8 + 10 * greyIndex
        if Self.distance((grey, grey, grey), (red, green, blue)) < Self.distance(cube, (red, green, blue)) {
            return UInt8(232 + greyIndex)
        }
        return UInt8(cubeIndex)
    }
}
