import Foundation
import NIOCore
import NIOPosix

/// (d) open 10,000 connections at once, (e) a reconnect storm, (f) echo round trips: every
/// client against the same server (a child process, one event loop thread), each client on
/// one event loop thread of this process, 3 runs taken round-robin, medians shown.
enum ConnectionWorkloads {
    static let runs = 3
    static let openCount = 10_000
    static let stormSlots = 1_000
    static let stormWindow = Duration.seconds(20)
    static let echoCount = 20_000

    /// `selected`: one workload (open, storm, echo) or all; `client`: a part of one client's
    /// name, to profile it alone.
    static func run(only selected: String?, client: String?) async throws {
        Scale.raiseFileLimit()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let all = [
            ConnectionClients.wsmon(gated: false), ConnectionClients.websocketKit, ConnectionClients.hummingbird,
            ConnectionClients.nioFloor,
        ]
        let clients = client.map { name in all.filter { $0.name.lowercased().contains(name) } } ?? all
        if selected == nil || selected == "all" || selected == "open" {
            try await self.openAll(
                clients + (client == nil ? [ConnectionClients.wsmon(gated: true)] : []),
                group: group
            )
        }
        if selected == nil || selected == "all" || selected == "storm" { try await self.storm(clients, group: group) }
        if selected == nil || selected == "all" || selected == "echo" { try await self.echo(clients, group: group) }
        try await group.shutdownGracefully()
    }

    static func openAll(_ clients: [ConnectionClient], group: any EventLoopGroup) async throws {
        let server = try startServerProcess(["serve-connections", "hold"])
        defer { stopServerProcess(server) }
        let url = "ws://127.0.0.1:\(server.port)/"
        print("(d) open \(openCount) connections at once: time until all are open (lower is better)")
        for client in clients { _ = try await client.openAll(url, 1_000, group) }
        var samples = Array(repeating: [Double](), count: clients.count)
        for _ in 0..<runs {
            for (index, client) in clients.enumerated() {
                samples[index].append(seconds(try await client.openAll(url, openCount, group)))
            }
        }
        self.report(clients, samples, unit: "s", format: "%.3f", lowerIsBetter: true, target: 0.7)
    }

    static func storm(_ clients: [ConnectionClient], group: any EventLoopGroup) async throws {
        let server = try startServerProcess(["serve-connections", "storm"])
        defer { stopServerProcess(server) }
        let url = "ws://127.0.0.1:\(server.port)/"
        print(
            "(e) reconnect storm: \(stormSlots) slots, the server drops each connection 2 s after its upgrade, no backoff, \(stormWindow): the client process's CPU seconds (lower is better)"
        )
        var samples = Array(repeating: [Double](), count: clients.count)
        var opens = Array(repeating: [Int](), count: clients.count)
        for _ in 0..<runs {
            for (index, client) in clients.enumerated() {
                let (opened, cpu) = try await client.storm(url, stormSlots, stormWindow, group)
                samples[index].append(cpu)
                opens[index].append(opened)
            }
        }
        for (client, opened) in zip(clients, opens) {
            print("  \(client.name.padding(toLength: 30, withPad: " ", startingAt: 0)) opened \(opened) connections")
        }
        self.report(clients, samples, unit: "CPU s", format: "%.2f", lowerIsBetter: true, target: 0.6)
    }

    static func echo(_ clients: [ConnectionClient], group: any EventLoopGroup) async throws {
        let server = try startServerProcess(["serve-connections", "echo"])
        defer { stopServerProcess(server) }
        let url = "ws://127.0.0.1:\(server.port)/"
        print("(f) \(echoCount) echo round trips of 32 B text, one message in flight: round trips/s (higher is better)")
        for client in clients { _ = try await client.echo(url, 2_000, group) }
        var samples = Array(repeating: [Double](), count: clients.count)
        for _ in 0..<runs {
            for (index, client) in clients.enumerated() {
                samples[index].append(Double(echoCount) / seconds(try await client.echo(url, echoCount, group)))
            }
        }
        self.report(clients, samples, unit: "round trips/s", format: "%.0f", lowerIsBetter: false, target: 1.05)
    }

    /// Prints each client's median (and its runs) and wsmon's ratio to websocket-kit's.
    static func report(
        _ clients: [ConnectionClient],
        _ samples: [[Double]],
        unit: String,
        format: String,
        lowerIsBetter: Bool,
        target: Double
    ) {
        let medians = samples.map { $0.sorted()[$0.count / 2] }
        for (index, client) in clients.enumerated() {
            let runs = samples[index].map { String(format: format, $0) }.joined(separator: ", ")
            print(
                "  \(client.name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(String(format: format, medians[index]).leftPadded(10)) \(unit)   (runs: \(runs))"
            )
        }
        guard let kit = clients.firstIndex(where: { $0.name.contains("websocket-kit") }) else { return }
        let ratio = medians[0] / medians[kit]
        let met = lowerIsBetter ? ratio <= target : ratio >= target
        print(
            "  \(clients[0].name): \(String(format: "%.2f", ratio))× websocket-kit (target \(lowerIsBetter ? "≤" : "≥") \(target)×: \(met ? "PASS" : "BELOW"))\n"
        )
    }
}

/// Closes the server's stdin (it exits then) and waits for it.
func stopServerProcess(_ server: (process: Process, input: Pipe, port: Int)) {
    try? server.input.fileHandleForWriting.close()
    server.process.waitUntilExit()
}
