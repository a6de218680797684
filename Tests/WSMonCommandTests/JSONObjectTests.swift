import Foundation
import Testing

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

    @Test func timestampsAreUTCWithMilliseconds() {
        var stamp = JSONObject.SecondStamp()
        let line = Self.text {
            $0.addTimestamp("time", Date(timeIntervalSince1970: 1_796_126_400.0421), reusing: &stamp)
        }
        #expect(line == #"{"time":"2026-12-01T12:00:00.042Z"}"# + "\n")
    }
}
