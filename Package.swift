// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Prism",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PrismFilter", targets: ["PrismFilter"]),
        .library(name: "PrismRegistry", targets: ["PrismRegistry"]),
        .library(name: "PrismSQLite", targets: ["PrismSQLite"]),
        .library(name: "PrismAPI", targets: ["PrismAPI"]),
        .executable(name: "prism", targets: ["prism"]),
        .executable(name: "prism-bench", targets: ["prism-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
    ],
    targets: [
        .target(name: "PrismFilter"),
        .target(
            name: "PrismRegistry",
            dependencies: [
                "PrismFilter",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Generated from proto/ by `make proto` and committed.
        .target(
            name: "PrismAPI",
            dependencies: [
                "PrismFilter",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "PrismSQLite", dependencies: ["CSQLite", "PrismRegistry", "PrismFilter"]),
        .executableTarget(
            name: "prism-sqlite-crash-writer", dependencies: ["PrismSQLite", "PrismRegistry"],
            path: "Sources/prism-sqlite-crash-writer"),
        // The shared RegistrySlot conformance suite, reused by every registry backend's tests.
        .target(name: "PrismRegistryConformance", dependencies: ["PrismRegistry", "PrismFilter"]),
        .executableTarget(
            name: "prism",
            dependencies: [
                "PrismFilter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "prism-bench",
            dependencies: [
                "PrismFilter",
                "PrismRegistry",
                "PrismSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PrismFilterTests", dependencies: ["PrismFilter"]),
        .testTarget(
            name: "PrismRegistryTests", dependencies: ["PrismRegistry", "PrismFilter", "PrismRegistryConformance"]),
        .testTarget(
            name: "PrismSQLiteTests",
            dependencies: [
                "PrismSQLite", "PrismRegistry", "PrismFilter", "PrismRegistryConformance", "prism-sqlite-crash-writer",
            ]),
        .testTarget(
            name: "PrismAPITests",
            dependencies: ["PrismAPI", "PrismFilter", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "EndToEndTests", dependencies: ["prism"]),
    ],
    swiftLanguageModes: [.v6]
)
