import Glibc
import NIOCore
import NIOPosix

/// Resolves a host name with getaddrinfo on NIO's thread pool, as NIO's own resolver does
/// (which is not public), and tells when the answer came: the end of the DNS phase. One
/// lookup answers both the A and the AAAA query of the happy-eyeballs connector.
final class TimedResolver: Resolver, Sendable {
    private let eventLoop: any EventLoop
    private let lookup: EventLoopPromise<[SocketAddress]>
    private let onResolved: @Sendable (NIODeadline) -> Void

    init(on eventLoop: any EventLoop, onResolved: @escaping @Sendable (NIODeadline) -> Void) {
        self.eventLoop = eventLoop
        self.lookup = eventLoop.makePromise()
        self.onResolved = onResolved
    }

    func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        self.start(host: host, port: port)
        return self.lookup.futureResult.map { $0.filter { $0.protocol == .inet6 } }
    }

    func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        self.start(host: host, port: port)
        return self.lookup.futureResult.map { $0.filter { $0.protocol == .inet } }
    }

    func cancelQueries() {}

    private func start(host: String, port: Int) {
        // Both queries come on the loop, one after the other: the first starts the lookup.
        guard !self.started.exchange(true) else { return }
        let eventLoop = self.eventLoop
        let onResolved = self.onResolved
        NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) {
            try Self.addresses(host: host, port: port)
        }.always { _ in onResolved(eventLoop.now) }
            .cascade(to: self.lookup)
    }

    private let started = StartedFlag()

    private static func addresses(host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { throw ResolutionFailed(host: host, status: status) }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr {
                switch current.pointee.ai_family {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        addresses.append(SocketAddress($0.pointee, host: host))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        addresses.append(SocketAddress($0.pointee, host: host))
                    }
                default:
                    break
                }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}

/// The error NIO's happy-eyeballs connector reports as a failed lookup.
struct ResolutionFailed: Error, CustomStringConvertible {
    let host: String
    let status: Int32

    var description: String { "cannot resolve \(self.host): \(String(cString: gai_strerror(self.status)))" }
}

/// Set once, on the loop (`Resolver` must be Sendable, so no plain var).
private final class StartedFlag: @unchecked Sendable {
    private var value = false

    func exchange(_ newValue: Bool) -> Bool {
        defer { self.value = newValue }
        return self.value
    }
}
