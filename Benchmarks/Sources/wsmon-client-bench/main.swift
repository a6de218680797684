import Foundation
import NIOCore
import NIOPosix
import WSMonCore

// wsmon-client-bench — whole clients over loopback, compared in the same run.
//   (no arguments)              (a) 1,000,000 × 32-byte text and (b) 200 × 1 MiB binary, every client
//   sessions [N] [SECONDS]      (c) N sessions (default 10,000) held open, 1 message/s each
//   serve-ticker                child process for (c): prints READY <port>
//   connections [open|storm|echo|all] [CLIENT]   (d) open 10,000 at once, (e) reconnect storm, (f) echo
//   serve-connections MODE      child process for (d)–(f): hold|storm|echo, prints READY <port>
//   deflate                     (g) 100,000 × 1 KiB JSON over permessage-deflate, vs hummingbird and Python
let arguments = Array(CommandLine.arguments.dropFirst())

struct Workload: Sendable {
    let name: String
    let flag: String
    let count: Int
    let payload: [UInt8]
    let opcode: Opcode
    let unit: String
    let perSecond: @Sendable (Int) -> Double

    static let all = [
        Workload(
            name: "(a) 1,000,000 × 32 B text",
            flag: "text",
            count: 1_000_000,
            payload: Array(repeating: UInt8(ascii: "x"), count: 32),
            opcode: .text,
            unit: "messages/s",
            perSecond: { Double($0) }
        ),
        Workload(
            name: "(b) 200 × 1 MiB binary",
            flag: "binary",
            count: 200,
            payload: Array(repeating: 7, count: 1 << 20),
            opcode: .binary,
            unit: "MB/s",
            perSecond: { Double($0) * Double(1 << 20) / 1e6 }
        ),
    ]

    var stream: ByteBuffer { BenchServer.encodedStream(count: self.count, payload: self.payload, opcode: self.opcode) }
}

/// Starts `wsmon-client-bench ARGUMENTS` as a child process and waits for `READY <port>`.
func startServerProcess(_ arguments: [String]) throws -> (process: Process, input: Pipe, port: Int) {
    let server = Process()
    server.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    server.arguments = arguments
    let output = Pipe()
    let input = Pipe()
    server.standardOutput = output
    server.standardInput = input
    try server.run()
    var line = ""
    while !line.hasSuffix("\n") {
        let byte = output.fileHandleForReading.readData(ofLength: 1)
        if byte.isEmpty { break }
        line += String(decoding: byte, as: UTF8.self)
    }
    guard let port = Int(line.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines)) else {
        fatalError("server did not start: \(line)")
    }
    return (server, input, port)
}

func throughput(only: String? = nil, workload selected: String? = nil) async throws {
    let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    print(
        "server in a child process (one thread, sendfile), client on one event loop thread; median of several runs, taken round-robin after a warm-up"
    )
    print("rate = wall clock; per CPU-s = the client process's CPU time (user + system), i.e. what the client costs\n")
    for workload in Workload.all where selected == nil || selected == workload.flag {
        // A 200 MiB run lasts ~50 ms: take more of them to tame the noise.
        let runs = workload.opcode == .binary ? 15 : 7
        let server = try startServerProcess(["serve-stream", workload.flag])
        let url = "ws://127.0.0.1:\(server.port)/"
        print(workload.name)
        print(
            "  \("client".padding(toLength: 30, withPad: " ", startingAt: 0)) \("rate".leftPadded(14)) \("per CPU-s".leftPadded(14))"
        )
        // The response head (129 bytes) comes first; the ceiling client counts everything.
        let ceiling = Clients.rawReadCeiling(streamBytes: workload.stream.readableBytes + 129)
        let clients =
            only.map { name in Clients.all.filter { $0.name.lowercased().contains(name) } } ?? ([ceiling] + Clients.all)
        for client in clients { _ = try await client.run(url, workload.count, clientGroup) }
        // Round-robin, so a slow spell of this VM's host falls on every client alike.
        var samples = Array(repeating: [(wall: Double, cpu: Double)](), count: clients.count)
        for _ in 0..<runs {
            for (index, client) in clients.enumerated() {
                let cpuBefore = Scale.cpuSeconds()
                let wall = seconds(try await client.run(url, workload.count, clientGroup))
                samples[index].append((wall, Scale.cpuSeconds() - cpuBefore))
            }
        }
        var results: [(name: String, rate: Double, efficiency: Double)] = []
        for (client, samples) in zip(clients, samples) {
            let wall = samples.map(\.wall).sorted()[runs / 2]
            let cpu = samples.map(\.cpu).sorted()[runs / 2]
            let rate = workload.perSecond(workload.count) / wall
            let efficiency = workload.perSecond(workload.count) / cpu
            results.append((client.name, rate, efficiency))
            print(
                "  \(client.name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(String(format: "%14.0f", rate)) \(String(format: "%14.0f", efficiency))  \(workload.unit)"
            )
        }
        let peers = results.filter { !$0.name.hasPrefix("wsmon") && !$0.name.hasPrefix("raw") }
        let fastestPeer = peers.map(\.rate).max() ?? 1
        let leanestPeer = peers.map(\.efficiency).max() ?? 1
        for result in results where result.name.hasPrefix("wsmon") {
            let ratio = result.rate / fastestPeer
            print(
                "  \(result.name): \(String(format: "%.2f", ratio))× the faster peer's rate (target ≥ 1.5×: \(ratio >= 1.5 ? "PASS" : "BELOW")), "
                    + "\(String(format: "%.2f", result.efficiency / leanestPeer))× its work per CPU-second"
            )
        }
        print("")
        try server.input.fileHandleForWriting.close()
        server.process.waitUntilExit()
    }
    try await clientGroup.shutdownGracefully()
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - self.count)) + self }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

switch arguments.first {
case "serve-stream":
    let workload = Workload.all.first { $0.flag == (arguments.count > 1 ? arguments[1] : "text") }!
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let path = NSTemporaryDirectory() + "wsmon-bench-\(workload.flag)-\(ProcessInfo.processInfo.processIdentifier).bin"
    let stream = workload.stream
    try Data(stream.readableBytesView).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let mode = BenchServer.Mode.streamFile(path: path, length: stream.readableBytes)
    let (_, port) = try await BenchServer.start(group: group, mode: mode)
    FileHandle.standardOutput.write(Data("READY \(port)\n".utf8))
    _ = readLine()
case "serve-ticker":
    Scale.raiseFileLimit()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let message = BenchServer.encodedFrame(Array(#"{"seq":1,"price":123.45,"q":7}"#.utf8), opcode: .text)
    let (_, port) = try await BenchServer.start(group: group, mode: .ticker(every: .seconds(1), message: message))
    FileHandle.standardOutput.write(Data("READY \(port)\n".utf8))
    _ = readLine()
case "serve-connections":
    Scale.raiseFileLimit()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let modes: [String: BenchServer.Mode] = [
        "hold": .hold(dropAfter: nil), "storm": .hold(dropAfter: .seconds(2)), "echo": .echo,
    ]
    let (_, port) = try await BenchServer.start(group: group, mode: modes[arguments.count > 1 ? arguments[1] : "hold"]!)
    FileHandle.standardOutput.write(Data("READY \(port)\n".utf8))
    _ = readLine()
case "connections":
    try await ConnectionWorkloads.run(
        only: arguments.count > 1 ? arguments[1] : nil,
        client: arguments.count > 2 ? arguments[2] : nil
    )
case "sessions":
    let count = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
    let duration = arguments.count > 2 ? Int(arguments[2]) ?? 30 : 30
    let (server, input, port) = try startServerProcess(["serve-ticker"])
    print("(c) \(count) sessions against a ticker server in a child process, \(duration) s window")
    try await Scale.run(sessions: count, seconds: duration, serverPort: port)
    try input.fileHandleForWriting.close()
    server.terminate()
case "deflate":
    try await DeflateWorkload.run()
case "serve-deflate":
    try await DeflateWorkload.serve()
case "only":
    // Profiling aid: one client, one workload: only sink|async|hummingbird|kit text|binary
    try await throughput(
        only: arguments.count > 1 ? arguments[1] : "sink",
        workload: arguments.count > 2 ? arguments[2] : "text"
    )
default:
    try await throughput()
}
