import Foundation
import Logging
import NIOCore
import NIOPosix
import WSClient
import WSCompression
import WSMonCore
import WSMonDeflate

/// (g) 100,000 compressible 1 KiB JSON messages, compressed with context takeover, received
/// on one permessage-deflate connection: wsmon against hummingbird's WSClient with its
/// WSCompression extension and against Python websockets (a child process), in one run.
enum DeflateWorkload {
    static let count = 100_000

    /// Message `index`: 1 KiB of JSON whose numbers change from message to message.
    static func message(_ index: Int) -> [UInt8] {
        var text = #"{"seq":\#(index),"channel":"trades","symbol":"BTC-USD","levels":["#
        var level = 0
        while text.utf8.count < 1000 {
            text += #"{"price":\#(60000 + (index * 7 + level) % 97).\#(level % 10)5,"size":\#(level % 4).5},"#
            level += 1
        }
        text += #"{"price":0,"size":0}]}"#
        return Array(text.utf8)
    }

    /// The server's frames: each message deflated (one stream, so context is taken over),
    /// RSV1 set, then Close 1000. Also the total inflated size.
    static func stream() -> (ByteBuffer, inflated: Int) {
        let engine = ZlibDeflateEngineFactory().makeEngine(PerMessageDeflateParameters())!
        var buffer = ByteBufferAllocator().buffer(capacity: self.count * 300)
        var frame: [UInt8] = []
        var inflated = 0
        for index in 0..<self.count {
            let message = self.message(index)
            inflated += message.count
            let compressed = message.withUnsafeBytes { engine.deflate($0)! }
            frame.removeAll(keepingCapacity: true)
            FrameHeader(fin: true, rsv: 0b100, opcode: .text, payloadLength: UInt64(compressed.count)).encode(
                into: &frame
            )
            buffer.writeBytes(frame)
            buffer.writeBytes(compressed)
        }
        buffer.writeBytes([0x88, 0x02, 0x03, 0xE8])
        return (buffer, inflated)
    }

    static let hummingbird = ClientUnderTest(name: "hummingbird WSClient + WSCompression") { url, expected, group in
        let start = ContinuousClock.now
        let elapsed = DurationBox()
        try await WebSocketClient.connect(
            url: url,
            configuration: .init(maxFrameSize: 1 << 16, extensions: [.perMessageDeflate()]),
            eventLoopGroup: group,
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        ) { inbound, _, _ in
            var remaining = expected
            for try await _ in inbound.messages(maxSize: 1 << 16) {
                remaining -= 1
                if remaining == 0 {
                    elapsed.value = ContinuousClock.now - start
                    break
                }
            }
        }
        return elapsed.value
    }

    /// Python websockets in a child process; it reports its own wall and CPU seconds.
    static func python(url: String) throws -> (wall: Double, cpu: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../python_deflate_client.py"
        ).standardized.path
        process.arguments = ["python3", script, url, String(self.count)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: data, as: UTF8.self).split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard fields.count == 2 else { fatalError("python client said: \(String(decoding: data, as: UTF8.self))") }
        return (fields[0], fields[1])
    }

    static func run() async throws {
        let (stream, inflated) = self.stream()
        print("(g) \(self.count) × 1 KiB JSON text, permessage-deflate with context takeover, one connection")
        print(
            "  \(inflated / self.count) B per message inflated, \(stream.readableBytes / self.count) B on the wire"
                + " (\(String(format: "%.1f", Double(inflated) / Double(stream.readableBytes)))×)"
        )
        print("  server: a child process streaming pre-compressed frames with sendfile; median of 5 runs, round-robin")
        let server = try startServerProcess(["serve-deflate"])
        let url = "ws://127.0.0.1:\(server.port)/"
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clients = [Clients.wsmonSink, self.hummingbird]
        let runs = 5
        var samples = Array(repeating: [(wall: Double, cpu: Double)](), count: clients.count + 1)
        for client in clients { _ = try await client.run(url, self.count, group) }  // warm-up
        for _ in 0..<runs {
            for (index, client) in clients.enumerated() {
                let cpuBefore = Scale.cpuSeconds()
                let wall = seconds(try await client.run(url, self.count, group))
                samples[index].append((wall, Scale.cpuSeconds() - cpuBefore))
            }
            samples[clients.count].append(try self.python(url: url))
        }
        let names = clients.map(\.name) + ["Python websockets 17.4"]
        var rates: [Double] = []
        print(
            "  \("client".padding(toLength: 38, withPad: " ", startingAt: 0)) \("msgs/s".leftPadded(10)) \("CPU s".leftPadded(8))"
        )
        for (name, runs) in zip(names, samples) {
            let wall = runs.map(\.wall).sorted()[runs.count / 2]
            let cpu = runs.map(\.cpu).sorted()[runs.count / 2]
            rates.append(Double(self.count) / wall)
            print(
                "  \(name.padding(toLength: 38, withPad: " ", startingAt: 0)) \(String(format: "%10.0f", Double(self.count) / wall)) \(String(format: "%8.2f", cpu))"
            )
        }
        let ratio = rates[0] / rates[1]
        print(
            "  wsmon: \(String(format: "%.2f", ratio))× hummingbird (target ≥ 1.5×: \(ratio >= 1.5 ? "PASS" : "BELOW")), "
                + "\(String(format: "%.1f", rates[0] / rates[2]))× Python websockets"
        )
        try server.input.fileHandleForWriting.close()
        server.process.waitUntilExit()
        try await group.shutdownGracefully()
    }

    /// The child process: serves the stream to every connection.
    static func serve() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let path = NSTemporaryDirectory() + "wsmon-bench-deflate-\(ProcessInfo.processInfo.processIdentifier).bin"
        let (stream, _) = self.stream()
        try Data(stream.readableBytesView).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mode = BenchServer.Mode.streamFile(
            path: path,
            length: stream.readableBytes,
            extensions: "permessage-deflate"
        )
        let (_, port) = try await BenchServer.start(group: group, mode: mode)
        FileHandle.standardOutput.write(Data("READY \(port)\n".utf8))
        _ = readLine()
    }
}
