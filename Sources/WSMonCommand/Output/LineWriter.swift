import Foundation
import Synchronization

/// Collects lines from any thread and writes them to file descriptors from a thread of its
/// own, so an event loop never blocks on a slow terminal or disk.
final class LineWriter: Sendable {
    private let descriptors: [Int32]
    private let pending = Mutex<(buffer: [UInt8], closed: Bool)>(([], false))
    private let flushed = Mutex<Bool>(false)
    private let interval: Duration

    init(descriptors: [Int32], interval: Duration = .milliseconds(50)) {
        self.descriptors = descriptors
        self.interval = interval
        let thread = Thread { [self] in self.run() }
        thread.name = "wsmon-writer"
        thread.start()
    }

    /// Opens (creating or truncating) a file to record to.
    static func openFile(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw WriterError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    struct WriterError: Error, CustomStringConvertible {
        var description: String
    }

    func write(_ line: [UInt8]) {
        self.pending.withLock { $0.buffer.append(contentsOf: line) }
    }

    private func run() {
        while true {
            let (bytes, closed) = self.pending.withLock { pending in
                defer { pending.buffer.removeAll(keepingCapacity: true) }
                return (pending.buffer, pending.closed)
            }
            if !bytes.isEmpty { self.writeAll(bytes) }
            if closed { break }
            Thread.sleep(
                forTimeInterval: Double(self.interval.components.attoseconds) / 1e18
                    + Double(self.interval.components.seconds)
            )
        }
        self.flushed.withLock { $0 = true }
    }

    private func writeAll(_ bytes: [UInt8]) {
        for descriptor in self.descriptors {
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { return }
                    offset += written
                }
            }
        }
    }

    /// Writes what is pending and stops the writer thread.
    func close() {
        self.pending.withLock { $0.closed = true }
        while !self.flushed.withLock({ $0 }) { usleep(5_000) }
    }
}
