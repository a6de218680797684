import Testing
import WSMonClient
import WSMonCore
import WSMonMonitor

@testable import WSMonDashboard

/// Sessions you can tell apart: names that keep what differs, a URL column with the rest,
/// where you are in a long table, sorting from the top, reasons that fit.
@Suite("Reading the sessions table")
struct TableReadingTests {
    @Test(arguments: Screens.sizes)
    func tenPlainURLsOfOneHostShowWhatTellsThemApart(width: Int, height: Int) {
        let model = SnapshotFixture.model(SnapshotFixture.snapshot(Screens.plainURLs), width: width, height: height)
        let grid = SnapshotFixture.render(model)
        let rows = Array(grid.lines[model.layout.tableRows])
        #expect(rows.allSatisfy { !$0.contains("ws://127.0.0.1:8765…") }, "no row is the host cut short")
        for path in ["/echo", "/feed?rate=10&size=64", "/feed?rate=1", "/reject?status=503", "/violation/rsv"] {
            #expect(rows.contains { $0.contains(path) } || rows.count < 10, "\(path) at \(width)×\(height)")
        }
        Screens.expect(grid, TableScreens.plainURLs[width]!, "plain-urls-\(width)x\(height)")
    }

    @Test func copiesKeepTheirNumberAndTheTableSaysWhereItIs() {
        let url = "ws://127.0.0.1:8765/feed?rate=1"
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(Screens.copies(240, of: url)), width: 80, height: 24)
        for _ in 0..<24 { _ = model.handle(.down) }
        let grid = SnapshotFixture.render(model)
        let rows = model.layout.tableRows
        #expect(rows.count == 7)
        #expect(grid.lines[rows.lowerBound].contains("/feed?rate=1 #19"))
        #expect(grid.lines[rows.upperBound - 1].contains("/feed?rate=1 #25"), "the #N of --count is never cut")
        #expect(grid.lines[model.layout.tabBarRow].contains("─ 19–25 of 240 "), "where the table is")
        let marks = rows.map { grid.character(x: 79, y: $0) }
        #expect(marks.contains("┃") && marks.contains("│"), "a scroll bar: \(marks)")
        #expect(grid.lines[3].contains("URL") == false || grid.lines[4].contains("ws://127.0.0.1:8765"))
    }

    @Test func aNameCutShortKeepsItsCopyNumber() {
        let url = "ws://127.0.0.1:8765/periodic-drop?every=2&jitter=1"
        let model = SnapshotFixture.model(SnapshotFixture.snapshot(Screens.copies(240, of: url)), width: 80, height: 24)
        let rows = SnapshotFixture.render(model).lines[model.layout.tableRows]
        #expect(rows.first?.contains("/periodic-dr… #1 ") == true, "\(rows.first ?? "")")
        #expect(rows.dropFirst(6).first?.contains("/periodic-dr… #7 ") == true)
        #expect(TableView.copySuffix(of: "/feed #12") == " #12")
        #expect(TableView.copySuffix(of: "/feed#12") == nil && TableView.copySuffix(of: "/feed #") == nil)
    }

    @Test func namedSessionsKeepTheirNamesAndFullURLs() {
        var labels = SessionLabels()
        let snapshot = SnapshotFixture.snapshot()
        labels.update(for: snapshot)
        let row = snapshot.sessions[2]
        #expect(labels.name(of: row, texts: snapshot.texts(of: row)) == "telemetry")
        #expect(labels.url(of: row, texts: snapshot.texts(of: row)) == "wss://telemetry.example.com/ws")
    }

    @Test func hostsAreNamedOnlyWhereTheSamePathIsOnAnotherHost() {
        let urls = ["ws://a.example:80/feed", "ws://b.example:80/feed", "ws://a.example:80/echo", "ws://127.0.0.1:9/"]
        let rows = urls.enumerated().map {
            SnapshotFixture.session($0.offset + 1, $0.element, state: .open, url: $0.element)
        }
        var labels = SessionLabels()
        let snapshot = SnapshotFixture.snapshot(rows)
        labels.update(for: snapshot)
        #expect(
            snapshot.sessions.map { labels.name(of: $0, texts: snapshot.texts(of: $0)) }
                == ["a.example:80/feed", "b.example:80/feed", "/echo", "/"]
        )
        #expect(
            snapshot.sessions.map { labels.url(of: $0, texts: snapshot.texts(of: $0)) }
                == ["ws://a.example:80", "ws://b.example:80", "ws://a.example:80", "ws://127.0.0.1:9"],
            "the URL column shows the part the name leaves out"
        )
        #expect(labels.sharedOrigin == nil, "several hosts: the URL column stays")
    }

    @Test func sortingShowsTheTopOfTheNewOrder() {
        let rows = (1...40).map {
            SnapshotFixture.session($0, "s\($0)", state: .open, reconnects: $0 == 3 ? 99 : $0 % 5)
        }
        var model = SnapshotFixture.model(SnapshotFixture.snapshot(rows), width: 100, height: 30)
        _ = model.handle(.end)
        #expect(model.tableTop > 0)
        while model.order.column != .reconnects { _ = model.handle(.character("o")) }
        _ = model.handle(.character("O"))
        #expect(model.order == SortOrder(column: .reconnects, descending: true))
        #expect(model.tableTop == 0, "the top of the new order is in view")
        #expect(model.selectedID == 3, "the first row, the highest Rc, is selected")
        #expect(SnapshotFixture.render(model).lines[model.layout.tableRows.lowerBound].contains("s3 "))
    }

    @Test(arguments: Screens.sizes)
    func failuresShowTheirReasonFirstAndTheTotalsGiveWayInOrder(width: Int, height: Int) {
        var rejected = SnapshotFixture.session(1, "rejected 503", state: .reconnecting)
        rejected.summary.consecutiveFailures = 3
        rejected.summary.lastFailure = .rejected
        rejected.summary.lastFailureStatus = 503
        rejected.texts = SessionTexts(
            name: "rejected 503",
            url: "ws://127.0.0.1:8765/reject",
            lastError: "handshake rejected: HTTP 503 Service Unavailable, Retry-After 2 s: {\"error\":\"busy\"}"
        )
        var refused = SnapshotFixture.session(2, "unreachable", state: .reconnecting)
        refused.summary.consecutiveFailures = 66
        refused.summary.lastFailure = .refused
        refused.texts = SessionTexts(
            name: "unreachable",
            url: "ws://127.0.0.1:9/",
            lastError: "connection refused by 127.0.0.1:9"
        )
        var dns = SnapshotFixture.session(3, "dns", state: .reconnecting)
        dns.summary.consecutiveFailures = 1
        dns.summary.lastFailure = .dns
        dns.texts = SessionTexts(
            name: "dns",
            url: "ws://nowhere.invalid/",
            lastError: "DNS lookup of nowhere.invalid failed"
        )
        let rows = [
            rejected, refused, dns,
            SnapshotFixture.session(
                4,
                "timeout",
                state: .open,
                closeCode: 1011,
                closeReason: "keepalive ping timeout",
                clean: false
            ),
        ]
        var snapshot = SnapshotFixture.snapshot(rows)
        snapshot.totals.closeCodes = [1006: 1502, 1000: 13, 1011: 3, 4001: 2, 1001: 1]
        snapshot.totals.rejectionStatuses = [503: 40, 401: 12]
        snapshot.totals.failures = [.refused: 66, .dns: 3, .tcpTimeout: 2, .tls: 1]
        let grid = SnapshotFixture.render(SnapshotFixture.model(snapshot, width: width, height: height))
        let table = grid.lines.joined(separator: "\n")
        #expect(table.contains("✗ 503"), "the status is visible")
        #expect(table.contains("✗ refused"))
        #expect(table.contains("✗ DNS"))
        Screens.expect(grid, TableScreens.failures[width]!, "failures-\(width)x\(height)")
    }

    @Test func theTotalsLineGivesWayByTheStatedOrder() {
        var totals = SnapshotFixture.totals(for: SnapshotFixture.sessions)
        totals.closeCodes = [1006: 1502, 1000: 13, 1011: 3, 4001: 2, 1001: 1]
        totals.rejectionStatuses = [503: 40, 401: 12]
        totals.failures = [.refused: 66, .dns: 3]
        func text(_ width: Int) -> String { TotalsLine.spans(totals, width: width).map(\.text).joined() }
        #expect(
            text(200)
                == "in 17 msg/s 2.2 KB/s   out 0.2 msg/s 30 B/s   reconnects 0.4/s   closes 1006×1502 1000×13 1011×3 4001×2 1001×1   rejected 503×40 401×12   failed refused×66 DNS×3"
        )
        #expect(
            text(120)
                == "in 17 msg/s   reconnects 0.4/s   closes 1006×1502 1000×13 1011×3 +2   rejected 503×40 401×12   failed refused×66 DNS×3"
        )
        #expect(text(78) == "in 17 msg/s   closes 1006×1502 +4   rejected 503×40 +1   failed refused×66 +1")
    }
}
