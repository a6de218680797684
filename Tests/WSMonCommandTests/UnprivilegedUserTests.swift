import Foundation
import Testing

/// wsmon as most people run it: as a user with no privileges. (Run as root, a socket
/// option only root may set went unnoticed, and every connection failed for everyone else
/// with "Permission denied".)
@Suite("As an unprivileged user")
struct UnprivilegedUserTests {
    /// The binary copied where any user may run it, and the launcher that drops to
    /// `nobody`; when the tests already run unprivileged, the binary as it is.
    static func asNobody() throws -> (launcher: [String], binary: String, cleanUp: () -> Void) {
        guard geteuid() == 0 else { return ([], WSMonProcess.binary, {}) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wsmon-nobody-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        let binary = directory.appendingPathComponent("wsmon").path
        try FileManager.default.copyItem(atPath: WSMonProcess.binary, toPath: binary)
        for path in [directory.path, binary] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return (
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], binary,
            { try? FileManager.default.removeItem(at: directory) }
        )
    }

    @Test func theLabServesAndTheClientConnects() async throws {
        let user = try Self.asNobody()
        defer { user.cleanUp() }
        let lab = try RunningWSMon(["lab", "--port", "0"], stdout: .pipe, launcher: user.launcher, binary: user.binary)
        defer { lab.stop() }
        let banner = try #require(lab.readLine(), "the lab said nothing")
        let url = try #require(
            banner.split(separator: " ").first { $0.hasPrefix("ws://") }.map { "\($0)echo?close-after=0.2&code=1000" },
            "\(banner)"
        )
        let result = try await WSMonProcess.run(
            ["--headless", "--no-reconnect", url],
            launcher: user.launcher,
            binary: user.binary
        )
        #expect(result.events("connect_failed").isEmpty, "\(result.events("connect_failed"))")
        #expect(result.events("open").count == 1)
        let closed = try #require(result.events("closed").first, "\(result.stdout)")
        #expect(closed["code"] as? Int == 1000)
        #expect(closed["clean"] as? Bool == true)
        #expect(result.status == 0, "\(result.stderr)")
    }
}
