import Foundation
import NIOCore
import Testing
import WSMonCore
import WSMonLab

@testable import WSMonClient

/// Handshake phase timings: pure marks on given instants, then a real attempt.
@Suite("Handshake phases")
struct HandshakePhaseTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func at(_ milliseconds: Int64) -> NIODeadline { start + .milliseconds(milliseconds) }

    @Test func phasesOfAnOpenAreInOrderAndSumToTheOpenTime() {
        var marks = HandshakeMarks(started: Self.start, resolves: true, secure: true)
        marks.resolved = Self.at(3)
        marks.connected = Self.at(5)
        marks.secured = Self.at(17)
        let phases = marks.phases(until: Self.at(20))
        #expect(phases.entries.map(\.phase) == [.dns, .tcp, .tls, .upgrade])
        #expect(
            phases.entries.map(\.duration) == [.milliseconds(3), .milliseconds(2), .milliseconds(12), .milliseconds(3)]
        )
        #expect(phases.total == .milliseconds(20))
    }

    @Test func anIPLiteralOverPlainTCPHasNoDNSOrTLSPhase() {
        var marks = HandshakeMarks(started: Self.start, resolves: false, secure: false)
        marks.connected = Self.at(1)
        let phases = marks.phases(until: Self.at(4))
        #expect(phases.entries == [.init(.tcp, .milliseconds(1)), .init(.upgrade, .milliseconds(3))])
    }

    @Test func aFailedAttemptEndsWithThePhaseItFailedIn() {
        var marks = HandshakeMarks(started: Self.start, resolves: true, secure: true)
        marks.resolved = Self.at(2)
        marks.connected = Self.at(3)
        let phases = marks.phases(until: Self.at(50))
        #expect(phases.entries.map(\.phase) == [.dns, .tcp, .tls])
        #expect(phases.lastPhase == .tls)
        #expect(phases.total == .milliseconds(50))
        let refused = HandshakeMarks(started: Self.start, resolves: false, secure: true).phases(until: Self.at(1))
        #expect(refused.entries == [.init(.tcp, .milliseconds(1))])
    }

    @Test func marksOutOfOrderNeverGiveANegativePhase() {
        var marks = HandshakeMarks(started: Self.start, resolves: true, secure: false)
        marks.resolved = Self.at(5)
        marks.connected = Self.at(4)
        let phases = marks.phases(until: Self.at(3))
        #expect(phases.entries.allSatisfy { $0.duration >= .zero })
        #expect(phases.total == .milliseconds(3))
    }

    @Test("a real open: tcp then upgrade, summing to the time from connecting to open")
    func realOpenAgainstTheLab() async throws {
        let lab = try await ScenarioLab.start()
        defer { lab.stop() }
        let recorder = SessionRecorder()
        for (id, host) in [(1, "127.0.0.1"), (2, "localhost")] {
            var options = SessionOptions(url: try WebSocketURL(parsing: "ws://\(host):\(lab.port)/echo"))
            options.pingInterval = nil
            options.reconnect.isEnabled = false
            recorder.start(options, id: id) { event, session in
                if case .opened = event.kind { session.close() }
            }
        }
        let events = try await recorder.wait { events in
            events.filter { if case .stopped = $0.kind { true } else { false } }.count == 2
        }
        for (id, expected) in [(1, [HandshakePhase.tcp, .upgrade]), (2, [.dns, .tcp, .upgrade])] {
            let mine = events.filter { $0.session == id }
            let connecting = try #require(mine.first { if case .connecting = $0.kind { true } else { false } })
            let opened = try #require(mine.first { if case .opened = $0.kind { true } else { false } })
            guard case .opened(_, _, let phases) = opened.kind else { return }
            #expect(phases.entries.map(\.phase) == expected)
            #expect(phases.entries.allSatisfy { $0.duration >= .zero })
            // The wall clock stamps are read apart from the loop's (the open's at its read, the
            // phases' end when the session handles it): on a loaded machine tens of ms. The
            // exact sum is the pure tests' business.
            let wall = opened.time.timeIntervalSince(connecting.time)
            let total = Double(phases.total.components.attoseconds) / 1e18 + Double(phases.total.components.seconds)
            #expect(abs(total - wall) < 0.25, "phases \(total) s, events \(wall) s apart")
        }
    }
}
