import Foundation
import NIOCore
import NIOPosix
import WSMonClient
import WSMonCore
import WSMonMetrics

/// A scrape of 10,000 sessions (ten targets of 1,000) that went through every kind of
/// event the exporter counts: opens and reopens with their phases, messages both ways,
/// stale spells, failures, rejections, closes of every class and backoffs.
enum ScrapeFixture {
    static func tenThousandSessions() async throws -> String {
        let exporter = MetricsExporter(version: "0.1.0")
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let response = HandshakeResponse(
            statusCode: 101,
            reasonPhrase: "Switching Protocols",
            headers: HTTPHeaders(),
            subprotocol: nil
        )
        let rejection = HandshakeRejection(
            statusCode: 403,
            reasonPhrase: "Forbidden",
            headers: HTTPHeaders(),
            retryAfter: nil,
            bodyPreview: [],
            bodyTruncated: false
        )
        let sinks = (0..<10_000).map { exporter.sink(forTarget: "feed-\($0 % 10)", on: loop) }
        try await loop.submit {
            for (index, sink) in sinks.enumerated() {
                let phases = HandshakePhases([
                    .init(.dns, .microseconds(300)), .init(.tcp, .microseconds(200 + index % 700)),
                    .init(.tls, .milliseconds(4)), .init(.upgrade, .milliseconds(2)),
                ])
                let code = CloseCode([1000, 1001, 1006, 1005, 4001, 3003, 1011][index % 7])
                var kinds: [SessionEvent.Kind] = [
                    .stateChanged(.connecting), .connectFailed(.handshakeRejected(rejection)),
                    .connectFailed(.connectionRefused(address: "127.0.0.1:9")),
                    .reconnectScheduled(delay: .milliseconds(100 * (index % 30)), attempt: 2, retryAfter: nil),
                    .opened(response, isReconnect: false, phases: phases), .stateChanged(.open),
                    .connection(.text("{\"tick\":\(index)}")), .messageSent(.binary([1, 2, 3])),
                    .stale(silentFor: .seconds(30), pings: .answered), .fresh(silentFor: .seconds(31)),
                    .connection(.violation(.secondCloseFrame)),
                    .closed(
                        CloseSummary(
                            initiator: .remote,
                            received: CloseFrame(code: code, reason: ""),
                            transportClosedBy: .peer
                        ),
                        transportError: nil
                    ),
                    .opened(response, isReconnect: true, phases: phases),
                ]
                if index % 10 == 7 {
                    kinds.append(.stateChanged(.open))
                } else {
                    kinds.append(.stateChanged(.reconnecting))
                }
                for kind in kinds {
                    sink(SessionEvent(time: Date(), session: index + 1, connection: 1, kind: kind))
                }
            }
        }.get()
        return String(decoding: await exporter.scrape(), as: UTF8.self)
    }
}
