import Glibc
import Synchronization

/// A loopback port that refuses every connection (ECONNREFUSED) while it is held: a socket
/// bound to it that never listens. Unlike a port just freed, no other socket can take it
/// meanwhile, neither a parallel test's server nor a connection's ephemeral port. Close it
/// in a `defer`, which also keeps it held until the test ends.
public final class RefusingPort: Sendable {
    public let port: Int
    private let descriptor: Mutex<Int32?>

    public struct SocketError: Error, CustomStringConvertible {
        public var description: String
    }

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(INADDR_LOOPBACK).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            let error = errno
            Glibc.close(descriptor)
            throw SocketError(description: "bind 127.0.0.1:0: errno \(error)")
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = Mutex(descriptor)
    }

    /// "ws://127.0.0.1:port" + `pathAndQuery`.
    public func url(_ pathAndQuery: String = "/") -> String {
        "ws://127.0.0.1:\(self.port)\(pathAndQuery)"
    }

    public func close() {
        if let descriptor = self.descriptor.withLock({ $0.take() }) { Glibc.close(descriptor) }
    }

    deinit {
        self.close()
    }
}
