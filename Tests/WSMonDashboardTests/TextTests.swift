import Testing

@testable import WSMonDashboard

@Suite("Text shown on screen")
struct TextTests {
    @Test(arguments: [
        ("\u{1B}[2J", #"\e[2J"#), ("bell\u{07}", #"bell\a"#), ("\u{9B}31m", #"\x9B31m"#),
        ("a\u{202E}b", #"a\u{202E}b"#), ("line\u{2028}sep", #"line\u{2028}sep"#), ("\r\n", #"\r\n"#),
        ("tab\there", #"tab\there"#), ("nul\u{0}", #"nul\0"#), ("del\u{7F}", #"del\x7F"#),
        ("zero\u{200B}width", #"zero\u{200B}width"#), ("\u{FEFF}bom", #"\u{FEFF}bom"#),
        ("café", "café"), ("日本", "日本"), ("👩‍💻", "👩‍💻"), ("e\u{301}", "e\u{301}"),
    ])
    func peerTextIsEscaped(input: String, shown: String) {
        #expect(SafeText.escaped(input) == shown)
    }

    @Test func escapesAreMarkedSoTheyCanBeStyled() {
        #expect(
            SafeText.segments(of: "a\u{1B}b")
                == [.init("a", isEscape: false), .init(#"\e"#, isEscape: true), .init("b", isEscape: false)]
        )
    }

    @Test(arguments: [
        ("a", 1), ("é", 1), ("漢", 2), ("ｶ", 1), ("Ａ", 2), ("한", 2), ("🚀", 2), ("👩‍💻", 2), ("e\u{301}", 1), ("→", 1),
    ])
    func displayWidth(character: String, width: Int) {
        #expect(DisplayWidth.of(character) == width)
    }

    @Test func jsonIsPrettyPrintedKeepingTokensAsSent() {
        #expect(
            JSONLayout.pretty(#"{"b":1.50,"a":[true,null,{"x":"y, z"}],"e":{}}"#)
                == [
                    "{", #"  "b": 1.50,"#, #"  "a": ["#, "    true,", "    null,", "    {", #"      "x": "y, z""#,
                    "    }", "  ],", #"  "e": {}"#, "}",
                ]
        )
        #expect(JSONLayout.pretty("[]") == ["[]"])
        #expect(JSONLayout.pretty(#""just a string""#) == [#""just a string""#])
    }

    @Test(arguments: [
        "{", #"{"a" 1}"#, "[1,]", "01x", "tru", #"{"a":1} trailing"#, #""unterminated"#, "",
        String(repeating: "[", count: 300),
    ])
    func invalidJSONIsNotPrettyPrinted(text: String) {
        #expect(JSONLayout.pretty(text) == nil)
    }

    @Test func hexDumpsShowOffsetsBytesAndASCII() {
        #expect(
            HexDump.lines(Array("Hello, WebSocket!\u{0}".utf8))
                == [
                    "0000  48 65 6c 6c 6f 2c 20 57 65 62 53 6f 63 6b 65 74  Hello, WebSocket",
                    "0010  21 00                                            !.",
                ]
        )
    }

    @Test func unitsAreShortAndReadable() {
        #expect(Units.count(999) == "999")
        #expect(Units.count(12_840) == "13k")
        #expect(Units.count(1_250_000) == "1.3M")
        #expect(Units.rate(0.4) == "0.4")
        #expect(Units.bytes(2_210) == "2.2 KB")
        #expect(Units.byteRate(30) == "30 B/s")
        #expect(Units.duration(0.35) == "350ms")
        #expect(Units.duration(754) == "12m34s")
        #expect(Units.duration(3 * 3600 + 120) == "3h02m")
        #expect(Units.rtt(0.0123) == "12ms")
        #expect(Units.offset(1.2345) == "+1.235s")
        #expect(ClockFormat(utcOffsetSeconds: 3600).timeOfDay(SnapshotFixture.now + 0.5) == "13:00:00.500")
    }

    @Test func sparklinesScaleToTheirPeakAndLeaveZeroBlank() {
        #expect(Sparkline.render([0, 1, 2, 4, 8], peak: 8) == " ▂▃▅█")
        #expect(Sparkline.render([1, 2], peak: 8) == "▂▃", "scaled to the minute's peak, not the bars shown")
        #expect(Sparkline.render([0, 0], peak: 0) == "  ")
    }
}
