// swift-tools-version: 6.2
import PackageDescription

// Benchmarks, in a package of their own so the product stays free of benchmark code and of
// the peers it is compared with. `swift run -c release --package-path Benchmarks wsmon-bench`
// (core throughput) and `... wsmon-client-bench` (whole clients over loopback).
let package = Package(
    name: "wsmon-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "wsmon", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Peers to compare against; never dependencies of the product.
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", exact: "1.6.2"),
        .package(url: "https://github.com/vapor/websocket-kit.git", exact: "2.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "wsmon-bench",
            dependencies: [.product(name: "WSMonCore", package: "wsmon")],
            swiftSettings: [.treatAllWarnings(as: .error)]
        ),
        // Whole clients over loopback: wsmon against hummingbird's WSClient and websocket-kit.
        .executableTarget(
            name: "wsmon-client-bench",
            dependencies: [
                .product(name: "WSMonClient", package: "wsmon"),
                .product(name: "WSMonCore", package: "wsmon"),
                .product(name: "WSMonDeflate", package: "wsmon"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "WSCompression", package: "swift-websocket"),
                .product(name: "WebSocketKit", package: "websocket-kit"),
            ],
            swiftSettings: [.treatAllWarnings(as: .error)]
        ),
    ]
)
