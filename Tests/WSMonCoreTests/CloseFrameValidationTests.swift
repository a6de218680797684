import Testing
import WSMonCore

/// `CloseFrame.validate` is the one check of a code and reason a user gives (the API, the
/// command line, the dashboard's prompt), so its words are what all of them show.
@Suite("Close code and reason validation")
struct CloseFrameValidationTests {
    @Test(arguments: [1000, 1003, 1007, 1014, 3000, 4999])
    func sendableCodesPass(code: Int) throws {
        try CloseFrame.validate(code: CloseCode(UInt16(code)), reason: String(repeating: "r", count: 123))
    }

    @Test(
        arguments: [
            (1005, "1005 is reserved for reporting and is never sent; use 1000–1003, 1007–1014 or 3000–4999"),
            (1006, "1006 is reserved for reporting and is never sent; use 1000–1003, 1007–1014 or 3000–4999"),
            (1015, "1015 is reserved for reporting and is never sent; use 1000–1003, 1007–1014 or 3000–4999"),
            (1004, "1004 may not be sent; use 1000–1003, 1007–1014 or 3000–4999"),
            (999, "999 may not be sent; use 1000–1003, 1007–1014 or 3000–4999"),
            (5000, "5000 may not be sent; use 1000–1003, 1007–1014 or 3000–4999"),
        ]
    )
    func unsendableCodesSayWhy(code: Int, message: String) {
        let error = #expect(throws: UsageError.invalidCloseCode(UInt16(code))) {
            try CloseFrame.validate(code: CloseCode(UInt16(code)), reason: "")
        }
        #expect(error?.description == message)
    }

    @Test func aReasonOver123BytesIsRefused() {
        let reason = String(repeating: "é", count: 62)
        let error = #expect(throws: UsageError.closeReasonTooLong(byteCount: 124)) {
            try CloseFrame.validate(code: .normalClosure, reason: reason)
        }
        #expect(error?.description == "the reason is 124 bytes; at most 123 fit in a Close frame")
    }
}
