// swift-tools-version: 6.2
import PackageDescription

// One target per layer (see README); dependencies point downwards only, and each target
// declares every module it imports (scripts/check-imports.py, run by CI).
// Linux only: the dashboard uses Glibc and ncursesw directly.

/// Warnings in our own targets fail the build; dependencies keep their own settings.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "wsmon",
    products: [
        .library(name: "WSMonCore", targets: ["WSMonCore"]),
        .library(name: "WSMonDeflate", targets: ["WSMonDeflate"]),
        .library(name: "WSMonClient", targets: ["WSMonClient"]),
        .library(name: "WSMonLab", targets: ["WSMonLab"]),
        .library(name: "WSMonMonitor", targets: ["WSMonMonitor"]),
        .executable(name: "wsmon", targets: ["wsmon"]),
        .executable(name: "wsmon-autobahn", targets: ["wsmon-autobahn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Core: RFC 6455 client protocol as a pure state machine. No I/O, no clock, no threads.
        .target(
            name: "WSMonCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // zlib, the system's, for permessage-deflate (see DECISIONS.md).
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The core's permessage-deflate engine on zlib: the core itself stays zlib-free.
        .target(
            name: "WSMonDeflate",
            dependencies: ["CZlib", "WSMonCore"],
            swiftSettings: strict
        ),
        // Client: drives the core over SwiftNIO; owns the clock, TLS, proxy and reconnects.
        .target(
            name: "WSMonClient",
            dependencies: [
                "WSMonCore",
                "WSMonDeflate",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The scenario lab (a deliberately misbehaving server on NIOWebSocket's server side)
        // and the wire tap: independent of our core so a bug cannot hide by being on both ends.
        .target(
            name: "WSMonLab",
            dependencies: [
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Monitor: bounded per-session state and aggregates, read as immutable snapshots.
        .target(
            name: "WSMonMonitor",
            dependencies: [
                "WSMonClient",
                "WSMonCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Metrics: the monitor's counters as Prometheus series, served over HTTP/1.1.
        .target(
            name: "WSMonMetrics",
            dependencies: [
                "WSMonMonitor",
                "WSMonClient",
                "WSMonCore",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Finding a key's line in a TOML text, for error messages (config files, themes).
        .target(name: "WSMonTOML", swiftSettings: strict),
        // ncursesw, with a C shim for its global variables.
        .systemLibrary(
            name: "CNcursesw",
            path: "Sources/CNcursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // Puts the terminal back when the process crashes while the dashboard owns it.
        .target(name: "CTerminalGuard", cSettings: [.treatAllWarnings(as: .error)]),
        // Dashboard: renders monitor snapshots with ncursesw; reads snapshots only.
        .target(
            name: "WSMonDashboard",
            dependencies: [
                "WSMonMonitor",
                "WSMonClient",
                "WSMonCore",
                "CNcursesw",
                "CTerminalGuard",
                "WSMonTOML",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            // The theme files of `themes/` (a link), compiled in so the binary needs no files.
            resources: [.embedInCode("themes")],
            swiftSettings: strict
        ),
        // The wsmon command: arguments, config files, JSON Lines, demo and lab wiring.
        .target(
            name: "WSMonCommand",
            dependencies: [
                "WSMonMonitor",
                "WSMonMetrics",
                "WSMonDashboard",
                "WSMonClient",
                "WSMonCore",
                "WSMonLab",
                "WSMonTOML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "wsmon",
            dependencies: ["WSMonCommand"],
            swiftSettings: strict
        ),
        // Autobahn|Testsuite client driver (fuzzingserver mode).
        .executableTarget(
            name: "wsmon-autobahn",
            dependencies: [
                "WSMonClient",
                "WSMonCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Frame builders, peers, ports and helpers shared by the test targets.
        .target(
            name: "WSMonTestSupport",
            dependencies: ["WSMonCore"],
            path: "Tests/WSMonTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "WSMonCoreTests",
            dependencies: [
                "WSMonCore",
                "WSMonDeflate",
                "CZlib",
                "WSMonTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WSMonClientTests",
            dependencies: [
                "WSMonClient",
                "WSMonCore",
                "WSMonLab",
                "WSMonTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WSMonLabTests",
            dependencies: [
                "WSMonLab",
                "WSMonTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WSMonMonitorTests",
            dependencies: [
                "WSMonMonitor",
                "WSMonClient",
                "WSMonCore",
                "WSMonLab",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WSMonMetricsTests",
            dependencies: [
                "WSMonMetrics",
                "WSMonMonitor",
                "WSMonClient",
                "WSMonCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WSMonDashboardTests",
            dependencies: ["WSMonDashboard", "WSMonMonitor", "WSMonCore", "WSMonClient"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WSMonCommandTests",
            dependencies: [
                "WSMonCommand", "WSMonClient", "WSMonCore", "WSMonDashboard", "WSMonLab", "WSMonMetrics",
                "WSMonMonitor",
                "WSMonTOML",
                "WSMonTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)
