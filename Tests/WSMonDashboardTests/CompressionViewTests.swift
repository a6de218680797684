import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// permessage-deflate as the dashboard shows it: the Headers tab parameter by parameter,
/// RSV1 and the inflated size in the frame log, the ratio in the table and the pane's header.
@Suite("Compression in the dashboard")
struct CompressionViewTests {
    static func compressedRows() -> [SnapshotFixture.Row] {
        var rows = SnapshotFixture.sessions
        rows[0].summary.compressedBytesIn = 1000
        rows[0].summary.inflatedBytesIn = 4200
        return rows
    }

    static func detail(offer: String?, deflate: PerMessageDeflateParameters?, answered: Bool = true) -> SessionDetail {
        var detail = SnapshotFixture.detail(for: Self.compressedRows()[0])
        detail.request = HeaderBlock(
            firstLine: "GET /feed HTTP/1.1",
            headers: offer.map { [HTTPHeaders.Field(name: "Sec-WebSocket-Extensions", value: $0)] } ?? []
        )
        if answered {
            detail.response = HeaderBlock(
                firstLine: "HTTP/1.1 101 Switching Protocols",
                headers: deflate.map { [HTTPHeaders.Field(name: "Sec-WebSocket-Extensions", value: $0.headerValue)] }
                    ?? []
            )
        }
        detail.deflate = deflate
        return detail
    }

    static func text(_ detail: SessionDetail, tab: DashboardModel.DetailTab, width: Int = 120) -> String {
        var model = SnapshotFixture.model(
            SnapshotFixture.snapshot(Self.compressedRows(), detail: detail),
            width: width,
            height: 40
        )
        model.tab = tab
        return SnapshotFixture.render(model).lines.joined(separator: "\n")
    }

    @Test func theHeadersTabShowsEachParameterOfferedAnsweredAndInEffect() {
        var agreed = PerMessageDeflateParameters()
        agreed.serverMaxWindowBits = 10
        agreed.clientMaxWindowBits = 12
        agreed.serverNoContextTakeover = true
        agreed.accepted = [
            ExtensionParameter(name: "server_no_context_takeover"),
            ExtensionParameter(name: "server_max_window_bits", value: "10"),
            ExtensionParameter(name: "client_max_window_bits", value: "12"),
        ]
        let text = Self.text(
            Self.detail(offer: "permessage-deflate; client_max_window_bits", deflate: agreed),
            tab: .headers
        )
        #expect(text.contains("Compression  permessage-deflate, RFC 7692"), "\(text)")
        let rows = text.split(separator: "\n").map(String.init)
        func row(_ name: String) -> [String] {
            (rows.first { $0.contains("  \(name)  ") } ?? "").split(separator: " ").map(String.init)
        }
        #expect(row("server_no_context_takeover") == ["server_no_context_takeover", "–", "yes", "yes"])
        #expect(row("client_no_context_takeover") == ["client_no_context_takeover", "–", "–", "no"])
        #expect(row("server_max_window_bits") == ["server_max_window_bits", "–", "10", "10", "bits"])
        #expect(row("client_max_window_bits") == ["client_max_window_bits", "any", "12", "12", "bits"])
        #expect(text.contains("received 4.2 KB in 1.0 KB on the wire  4.2×"), "\(text)")
    }

    @Test func aDeclinedOfferSaysSo() {
        let text = Self.text(
            Self.detail(offer: "permessage-deflate; client_max_window_bits", deflate: nil),
            tab: .headers
        )
        #expect(text.contains("offered permessage-deflate; client_max_window_bits; declined by the server"), "\(text)")
    }

    @Test func noOfferNoSection() {
        #expect(!Self.text(Self.detail(offer: nil, deflate: nil), tab: .headers).contains("Compression"))
    }

    @Test func theTableAndThePaneHeaderShowTheRatio() {
        let text = Self.text(Self.detail(offer: nil, deflate: nil), tab: .frames)
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines.first { $0.contains("RTT") } ?? ""
        #expect(header.hasSuffix("Zip"), "\(header)")
        let trades = lines.first { $0.contains("trades") && $0.contains("open") } ?? ""
        #expect(trades.contains("4.2×"), "\(trades)")
        #expect(text.contains("#1 trades  ● open  deflate 4.2×"), "\(text)")
        // Without any compressed session the column is not there.
        let plain = SnapshotFixture.render(SnapshotFixture.model(SnapshotFixture.snapshot(), width: 120, height: 40))
        #expect(!plain.lines.joined().contains("Zip"))
    }

    @Test func theFrameLogShowsRSV1AndTheInflatedSize() {
        var detail = Self.detail(offer: nil, deflate: nil)
        detail.frames = [
            FrameLogEntry(
                time: SnapshotFixture.now,
                connection: 1,
                record: FrameRecord(
                    direction: .inbound,
                    opcode: .text,
                    fin: true,
                    rsv: 4,
                    masked: false,
                    length: 412,
                    preview: PayloadPreview([0x4A, 0x8B]),
                    messageSize: 1900
                )
            )
        ]
        let text = Self.text(detail, tab: .frames)
        #expect(text.contains("FIN RSV1"), "\(text)")
        #expect(text.contains("412 B  ⇒ 1.9 KB"), "\(text)")
    }
}
