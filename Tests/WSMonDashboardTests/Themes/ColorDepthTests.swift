import Testing

@testable import WSMonDashboard

@Suite("Colour depth")
struct ColorDepthTests {
    @Test(
        "The depth follows ncurses' COLORS",
        arguments: [
            (0, ColorDepth.monochrome), (2, .monochrome), (8, .basic8), (15, .basic8), (16, .basic16), (88, .basic16),
            (256, .palette256), (32767, .palette256), (1 << 24, .direct),
        ]
    )
    func depth(colors: Int, depth: ColorDepth) {
        #expect(ColorDepth(colors: colors, colorTerm: nil) == depth)
        #expect(ColorDepth(colors: colors, colorTerm: "truecolor") == depth)
    }

    static let red = Color.rgb(red: 0xff, green: 0, blue: 0)

    @Test func the256PaletteTakesTheNearestCubeColourOrGrey() {
        let depth = ColorDepth.palette256
        #expect(depth.terminalColor(Self.red) == 196)
        #expect(depth.terminalColor(.rgb(red: 0x80, green: 0x80, blue: 0x80)) == 244)
        #expect(depth.terminalColor(.rgb(red: 0x1e, green: 0x90, blue: 0xff)) == 33)
        #expect(depth.terminalColor(.rgb(red: 0, green: 0, blue: 0)) == 16)
        #expect(depth.terminalColor(.rgb(red: 0xff, green: 0xff, blue: 0xff)) == 231)
        #expect(depth.terminalColor(.rgb(red: 0x08, green: 0x08, blue: 0x09)) == 232)
        #expect(depth.terminalColor(.indexed(244)) == 244)
        #expect(depth.terminalColor(.ansi(9)) == 9)
    }

    @Test func sixteenColoursTakeTheNearestANSIColour() {
        let depth = ColorDepth.basic16
        #expect(depth.terminalColor(Self.red) == 9)
        #expect(depth.terminalColor(.indexed(244)) == 8)
        #expect(depth.terminalColor(.indexed(196)) == 9)
        #expect(depth.terminalColor(.indexed(28)) == 2)
        #expect(depth.terminalColor(.indexed(12)) == 12)
        #expect(depth.terminalColor(.ansi(13)) == 13)
    }

    @Test func eightColoursTakeTheNearestOfEightWithGreysKeptGreyAndBrightIsPlain() {
        let depth = ColorDepth.basic8
        #expect(depth.terminalColor(Self.red) == 1)
        #expect(depth.terminalColor(.ansi(9)) == 1)
        #expect(depth.terminalColor(.indexed(15)) == 7)
        #expect(depth.terminalColor(.ansi(8)) == 0)
        #expect(depth.terminalColor(.indexed(244)) == 7)
        #expect(depth.terminalColor(.indexed(236)) == 0)
        #expect(depth.terminalColor(.indexed(240)) == 0)
        #expect(depth.terminalColor(.rgb(red: 0x80, green: 0x80, blue: 0x70)) == 3)
        #expect(depth.terminalColor(.rgb(red: 0, green: 0x87, blue: 0)) == 2)
    }

    @Test func directColourSendsRGB() {
        let depth = ColorDepth.direct
        #expect(depth.terminalColor(Self.red) == 0xff0000)
        #expect(depth.terminalColor(.rgb(red: 0x12, green: 0x34, blue: 0x56)) == 0x123456)
        #expect(depth.terminalColor(.ansi(1)) == 0xcd0000)
        #expect(depth.terminalColor(.ansi(12)) == 0x5c5cff)
        #expect(depth.terminalColor(.indexed(208)) == 0xff8700)
        #expect(depth.terminalColor(.indexed(232)) == 0x080808)
        #expect(depth.terminalColor(.indexed(255)) == 0xeeeeee)
        #expect(depth.terminalColor(.ansi(0)) == 0)
        // Numbers below 8 would be ANSI colours.
        #expect(depth.terminalColor(.rgb(red: 0, green: 0, blue: 5)) == 8)
    }

    @Test(arguments: [ColorDepth.monochrome, .basic8, .basic16, .palette256, .direct])
    func theTerminalsOwnColourIsMinusOne(depth: ColorDepth) {
        #expect(depth.terminalColor(.terminalDefault) == -1)
    }

    @Test func monochromeHasNoColours() {
        for color in [Self.red, .ansi(2), .indexed(244), .terminalDefault] {
            #expect(ColorDepth.monochrome.terminalColor(color) == -1)
        }
    }
}
