// swift-tools-version: 6.2
import PackageDescription

// libFuzzer over WSMonCore's receive path, the zlib inflate path included. A side package so the fuzzer's build flags stay
// out of the product; build and run with ./run.sh.
let package = Package(
    name: "wsmon-fuzz",
    dependencies: [
        .package(name: "wsmon", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "FuzzCore",
            dependencies: [
                .product(name: "WSMonCore", package: "wsmon"),
                .product(name: "WSMonDeflate", package: "wsmon"),
            ],
            swiftSettings: [.treatAllWarnings(as: .error)]
        )
    ]
)
