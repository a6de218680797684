// swift-tools-version: 6.1
import PackageDescription

// One target per layer of ARCHITECTURE.md; dependencies point downwards only.
let package = Package(
    name: "wsmon",
    products: [
        .library(name: "WSMonCore", targets: ["WSMonCore"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Core: RFC 6455 client protocol as a pure state machine. No I/O, no clock, no threads.
        .target(
            name: "WSMonCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "WSMonCoreTests",
            dependencies: [
                "WSMonCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
