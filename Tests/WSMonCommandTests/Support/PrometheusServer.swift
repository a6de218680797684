import Foundation

/// A real Prometheus (Debian's `prometheus` package) on a loopback port of its own, with
/// its own config and data directory, for the metrics tests. `stop()` kills it and removes
/// the directory: call it in a `defer`.
final class PrometheusServer: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let child: ChildProcess

    var log: String { (try? String(contentsOf: self.directory.appendingPathComponent("log"), encoding: .utf8)) ?? "" }

    /// Starts Prometheus with `config` (a prometheus.yml text) and waits until it is ready.
    init(config: String) async throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wsmon-prom-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let configPath = self.directory.appendingPathComponent("prometheus.yml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = self.directory.appendingPathComponent("log").path
        self.port = try HTTPGet.freePort()
        let logFile = open(logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let input = open("/dev/null", O_RDONLY)
        defer { for descriptor in [logFile, input] { close(descriptor) } }
        self.child = try ChildProcess(
            [
                "prometheus", "--config.file=\(configPath)",
                "--storage.tsdb.path=\(self.directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(self.port)", "--log.level=warn",
            ],
            stdin: input,
            stdout: logFile,
            stderr: logFile
        )
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? HTTPGet.get(port: self.port, "/-/ready"))?.status == 200 { return }
            guard self.child.exitStatus == nil else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let said = self.log
        self.stop()
        throw HTTPGet.Failure(description: "prometheus did not get ready: \(said)")
    }

    /// `GET path` of the HTTP API, its JSON `data`.
    func api(_ path: String) throws -> Any? {
        let response = try HTTPGet.get(port: self.port, path)
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        guard object?["status"] as? String == "success" else {
            throw HTTPGet.Failure(description: "\(path): \(response.status) \(response.body)")
        }
        return object?["data"]
    }

    /// An instant query's samples: each series' labels and value.
    func query(_ expression: String) throws -> [(labels: [String: String], value: Double)] {
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
        let data = try self.api("/api/v1/query?query=\(encoded)") as? [String: Any]
        let results = data?["result"] as? [[String: Any]] ?? []
        return results.map { result in
            let labels = result["metric"] as? [String: String] ?? [:]
            let pair = result["value"] as? [Any] ?? []
            return (labels, Double(pair.last as? String ?? "") ?? .nan)
        }
    }

    /// Polls `condition` (bounded by `timeout`), returning once it holds.
    func wait(
        _ what: String,
        timeout: Duration = .seconds(30),
        until condition: () throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw HTTPGet.Failure(description: "timed out waiting for \(what)")
    }

    func stop() {
        self.child.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }
}

/// promtool, from the same package: its verdict and what it said.
enum Promtool {
    static func run(
        _ arguments: [String],
        stdinFile: String = "/dev/null"
    ) async throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("promtool-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let input = open(stdinFile, O_RDONLY)
        let child: ChildProcess
        do {
            defer { for descriptor in [output, input] { close(descriptor) } }
            child = try ChildProcess(["promtool"] + arguments, stdin: input, stdout: output, stderr: output)
        }
        defer { child.stop() }
        let status = await child.waitForExit(within: .seconds(60)) ?? -1
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}
