import Foundation
import Testing
import WSMonMonitor

@testable import WSMonCommand

/// The JSON Lines encoder: valid JSON, stable field order, nothing raw for a terminal.
@Suite("JSON Lines encoding")
struct JSONObjectTests {
    static func text(_ build: (inout JSONObject) -> Void) -> String {
        var object = JSONObject()
        build(&object)
        return String(decoding: object.line(), as: UTF8.self)
    }

    @Test func fieldsInOrderWithNumbersBooleansAndNull() {
        let line = Self.text {
            $0.add("event", "rtt")
            $0.add("count", 1_234_567)
            $0.add("negative", -42)
            $0.add("ms", 12.3456)
            $0.add("small", -0.0004)
            $0.add("ok", true)
            $0.addNull("code")
        }
        #expect(
            line == #"{"event":"rtt","count":1234567,"negative":-42,"ms":12.346,"small":0.000,"ok":true,"code":null}"#
                + "\n"
        )
    }

    @Test func controlsC1AndSeparatorsAreEscapedAndTheRestKept() throws {
        let hostile = "a\"b\\c\n\r\t\u{1B}[2J\u{7F}\u{9B}\u{2028}\u{2029}é漢🚀"
        let line = Self.text { $0.add("reason", hostile) }
        #expect(line == #"{"reason":"a\"b\\c\n\r\t\u001b[2J\u007f\u009b\u2028\u2029é漢🚀"}"# + "\n")
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(decoded?["reason"] == hostile, "it decodes back to the same text")
    }

    @Test func bidiOverridesAndInvisibleFormatCharactersAreEscapedLikeTheDashboardDoes() throws {
        // RLO/PDF reorder a line in `less`; ZWSP, BOM, soft hyphen and LRI hide or mislead;
        // a tag character beyond the BMP becomes a surrogate pair. Joiners stay (emoji).
        let hostile = "evil\u{202E}cod.exe\u{202C} \u{200B}\u{FEFF}\u{AD}\u{2066}\u{E0001} 👨\u{200D}👩"
        let line = Self.text { $0.add("preview", hostile) }
        #expect(
            line == #"{"preview":"evil\u202ecod.exe\u202c \u200b\ufeff\u00ad\u2066\udb40\udc01 👨\#u{200D}👩"}"# + "\n"
        )
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(decoded?["preview"] == hostile, "escapes are lossless")
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        var stamp = JSONObject.SecondStamp()
        let line = Self.text {
            $0.addTimestamp("time", Date(timeIntervalSince1970: 1_796_126_400.0421), reusing: &stamp)
        }
        #expect(line == #"{"time":"2026-12-01T12:00:00.042Z"}"# + "\n")
    }
}
