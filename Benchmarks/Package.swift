// swift-tools-version: 6.1
import PackageDescription

// Throughput benchmarks for WSMonCore. A separate package so the main one stays free of
// benchmark code; run with `swift run -c release --package-path Benchmarks wsmon-bench`.
let package = Package(
    name: "wsmon-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "wsmon", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "wsmon-bench",
            dependencies: [.product(name: "WSMonCore", package: "wsmon")]
        )
    ]
)
