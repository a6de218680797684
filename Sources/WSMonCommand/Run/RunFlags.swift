import ArgumentParser
import WSMonCore
import WSMonMetrics

/// How a run ends and where its events go; shared by `wsmon URL…`, `--config` and `demo`.
struct RunFlags: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Print one JSON object per event to stdout instead of opening the dashboard.",
            discussion: "Output is bounded: \(RunOutput.boundDescription)."
        )
    )
    var headless = false

    @Option(
        help: ArgumentHelp(
            "Record to FILE what wsmon replay and report read: the JSON Lines events with a versioned header, handshake headers and whole messages (bounded like stdout).",
            valueName: "file"
        )
    )
    var record: String?

    @Option(SettingTable.recordMaxSize) var recordMaxSize: Int?

    @Flag(help: "Include a JSON line for every frame (direction, opcode, FIN, RSV, mask, size, preview).")
    var frames = false

    @Option(SettingTable.duration) var duration: DurationArgument?

    @Option(SettingTable.metrics) var metrics: MetricsAddress?

    @Flag(SettingTable.showSecrets) var showSecrets: Bool

    /// What every output hides (`--show-secrets`: nothing).
    var redaction: Redaction { Redaction(showSecrets: self.showSecrets) }

    @Option(
        name: .customLong("close-after"),
        help: ArgumentHelp(
            "Close every session after this long, with --close-code and --close-reason.",
            valueName: "duration"
        ),
        transform: ValueSyntax<Duration>.duration.map(DurationArgument.init).parseText
    )
    var closeAfter: DurationArgument?

    @Option(name: .customLong("close-code"), help: "The close code for --close-after.")
    var closeCode: UInt16 = 1000

    @Option(name: .customLong("close-reason"), help: "The close reason for --close-after (at most 123 bytes).")
    var closeReason = ""

    @Option(name: .customLong("preview-length"), help: "Characters of each text message kept in its JSON line.")
    var previewLength = 200

    @Option(
        name: .customLong("frame-log"),
        help: "Frames kept per session for the dashboard's frame log (headless keeps none)."
    )
    var frameLog = 500

    @Option(
        name: .customLong("io-threads"),
        help: ArgumentHelp(
            "Event loop threads for the connections. One carries 10,000 feeds at a fifth of a core; add threads only when sessions together need more than a core.",
            valueName: "n"
        )
    )
    var ioThreads = 1

    @Option(
        help: ArgumentHelp(
            "Dashboard theme: default, light, high-contrast, monochrome, a name in ~/.config/wsmon/themes, or a .toml file (NO_COLOR: monochrome).",
            valueName: "name|path"
        ),
        completion: .file(extensions: ["toml"])
    )
    var theme: String?

    mutating func validate() throws {
        do { try CloseFrame.validate(code: CloseCode(self.closeCode), reason: self.closeReason) } catch {
            switch error {
            case .closeReasonTooLong: throw ValidationError("--close-reason: \(error)")
            default: throw ValidationError("--close-code: \(error)")
            }
        }
        guard self.previewLength >= 0 else { throw ValidationError("--preview-length must be 0 or more") }
        guard self.frameLog >= 1 else { throw ValidationError("--frame-log must be 1 or more") }
        guard (1...256).contains(self.ioThreads) else { throw ValidationError("--io-threads must be 1 to 256") }
    }
}

/// A run's duration flag (`ValueSyntax.duration`).
struct DurationArgument: Sendable {
    var value: Duration

    init(_ value: Duration) {
        self.value = value
    }
}
