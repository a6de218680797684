import Testing

/// `wsmon demo` shows every state, rejections and violations within seconds, offline.
@Suite("wsmon demo")
struct DemoTests {
    @Test func everyStateRejectionAndViolationAppears() async throws {
        let result = try await WSMonProcess.run(["demo", "--headless", "--duration", "13s"], timeout: .seconds(60))
        let states = Set(result.events("state").compactMap { $0["state"] as? String })
        #expect(
            states == [
                "connecting", "open", "closing", "half-closed", "closed-awaiting-transport", "reconnecting", "stopped",
            ]
        )
        let statuses = Set(result.events("connect_failed").compactMap { $0["status"] as? Int })
        #expect(statuses.isSuperset(of: [401, 503]))
        let violations = Set(result.events("violation").compactMap { $0["violation"] as? String })
        #expect(
            violations.isSuperset(of: [
                "masked_frame", "invalid_utf8", "reserved_bits_set", "second_close_frame", "corrupt_compressed_data",
            ])
        )
        // The compressed feed: negotiated, and its messages smaller on the wire.
        #expect(
            result.events("open").contains { $0["name"] as? String == "deflate feed" && $0["deflate"] as? Bool == true }
        )
        let compressed = result.events("message").filter { $0["name"] as? String == "deflate feed" }
        #expect(!compressed.isEmpty)
        #expect(compressed.allSatisfy { ($0["wire_size"] as? Int ?? .max) < ($0["size"] as? Int ?? 0) })
        let timeouts = Set(result.events("closed").compactMap { $0["timeout_fired_in"] as? String })
        #expect(timeouts.isSuperset(of: ["closing", "half-closed", "closed-awaiting-transport"]))
        #expect(result.events("open").contains { $0["reconnect"] as? Bool == true })
        #expect(Set(result.events("stopped").compactMap { $0["session"] as? Int }).count == 24)
        #expect(result.status == 2)
    }
}
