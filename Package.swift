// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Prism",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PrismFilter", targets: ["PrismFilter"]),
        .library(name: "PrismRegistry", targets: ["PrismRegistry"]),
        .library(name: "PrismSQLite", targets: ["PrismSQLite"]),
        .library(name: "PrismRedis", targets: ["PrismRedis"]),
        .library(name: "PrismNATS", targets: ["PrismNATS"]),
        .library(name: "PrismAPI", targets: ["PrismAPI"]),
        .library(name: "PrismServer", targets: ["PrismServer"]),
        .library(name: "PrismClient", targets: ["PrismClient"]),
        .executable(name: "prismd", targets: ["prismd"]),
        .executable(name: "prism", targets: ["prism"]),
        .executable(name: "prism-bench", targets: ["prism-bench"]),
        .executable(name: "prism-top", targets: ["prism-top"]),
        .executable(name: "prism-iot-sim", targets: ["prism-iot-sim"]),
    ],
    // The shared backends are optional in PrismServer, so that an embedder can build a server with only
    // memory and SQLite (no hiredis, no libnats): `.package(..., traits: [])`. prismd and the tests use both.
    traits: [
        .trait(name: "Redis", description: "The Redis registry backend (hiredis) in PrismServer."),
        .trait(name: "NATS", description: "The NATS messaging backend (libnats) in PrismServer."),
        .default(enabledTraits: ["Redis", "NATS"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "PrismFilter"),
        // Durations written as people write them (`1d`, `1h30m`), for the messages of every module;
        // PrismAPI's DurationText parses them back.
        .target(name: "PrismDurations"),
        .target(
            name: "PrismRegistry",
            dependencies: [
                "PrismFilter", "PrismDurations",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Generated from proto/ by `make proto` and committed.
        .target(
            name: "PrismAPI",
            dependencies: [
                "PrismFilter", "PrismDurations",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "PrismSQLite", dependencies: ["CSQLite", "PrismRegistry", "PrismFilter"]),
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .target(name: "PrismRedis", dependencies: ["CHiredis", "PrismRegistry", "PrismFilter"]),
        .systemLibrary(name: "CNATS", path: "Sources/CNATS", providers: [.apt(["libnats-dev"])]),
        .target(name: "PrismNATS", dependencies: ["CNATS", "PrismRegistry", "PrismDurations"]),
        .executableTarget(
            name: "prism-sqlite-crash-writer", dependencies: ["PrismSQLite", "PrismRegistry"],
            path: "Sources/prism-sqlite-crash-writer"),
        // The shared RegistrySlot and MessagingSlot conformance suites, reused by every backend's tests.
        .target(name: "PrismRegistryConformance", dependencies: ["PrismRegistry", "PrismFilter"]),
        // prismd as a library: config, namespaces, the gRPC services, HTTP /metrics /healthz /readyz.
        .target(
            name: "PrismServer",
            dependencies: [
                "PrismAPI", "PrismDurations", "PrismFilter", "PrismRegistry", "PrismSQLite",
                .target(name: "PrismRedis", condition: .when(traits: ["Redis"])),
                .target(name: "PrismNATS", condition: .when(traits: ["NATS"])),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Who is calling: OIDC access tokens (JWT) checked against the issuer's keys (jwt-kit), which
        // async-http-client fetches from its discovery document.
        .target(
            name: "PrismAuth",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PrismClient",
            dependencies: [
                "PrismAPI", "PrismFilter", "PrismDurations",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .executableTarget(
            name: "prismd",
            dependencies: [
                "PrismServer", "PrismAPI", "PrismCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(name: "CNcursesW", path: "Sources/CNcursesW", providers: [.apt(["libncurses-dev"])]),
        // What the command-line tools share: main() with Prism's exit codes, durations, contexts.
        .target(
            name: "PrismCommandLine",
            dependencies: [
                "PrismAPI", "PrismClient", "PrismFilter", "PrismDurations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Yams", package: "Yams"),
            ],
            plugins: ["BuildInfoPlugin"]),
        // Records the git commit before each build, for --version.
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        // prism-top as a library: model, reducer, render to a cell grid, batch writers, the ncurses screen.
        .target(
            name: "PrismTop",
            dependencies: [
                "PrismClient", "PrismAPI", "PrismFilter", "PrismCommandLine", "CNcursesW",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .executableTarget(
            name: "prism-top",
            dependencies: [
                "PrismTop", "PrismClient", "PrismFilter", "PrismCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "prism",
            dependencies: [
                "PrismFilter", "PrismClient", "PrismCommandLine", "PrismDurations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "PrismSimulator",
            dependencies: ["PrismClient", "PrismAPI", "PrismFilter", "PrismNATS", "PrismRegistry"]),
        .executableTarget(
            name: "prism-iot-sim",
            dependencies: [
                "PrismSimulator", "PrismClient", "PrismAPI", "PrismCommandLine", "PrismDurations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "prism-bench",
            dependencies: [
                "PrismAPI",
                "PrismDurations",
                "PrismFilter",
                "PrismRegistry",
                "PrismSQLite",
                "PrismRedis",
                "PrismNATS",
                "CNATS",
                "PrismTop",
                "PrismServer",
                "PrismClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]
        ),
        .testTarget(name: "PrismFilterTests", dependencies: ["PrismFilter"]),
        .testTarget(name: "PrismDurationsTests", dependencies: ["PrismDurations"]),
        .testTarget(
            name: "PrismAuthTests",
            dependencies: ["PrismAuth", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(
            name: "PrismRegistryTests", dependencies: ["PrismRegistry", "PrismFilter", "PrismRegistryConformance"]),
        .testTarget(
            name: "PrismSQLiteTests",
            dependencies: [
                "PrismSQLite", "PrismRegistry", "PrismFilter", "PrismRegistryConformance", "prism-sqlite-crash-writer",
            ]),
        .testTarget(
            name: "PrismRedisTests",
            dependencies: ["PrismRedis", "PrismRegistry", "PrismRegistryConformance", "TestServers"]),
        .testTarget(
            name: "PrismNATSTests",
            dependencies: ["PrismNATS", "PrismRegistry", "PrismRegistryConformance", "TestServers"]),
        // Backend servers for tests: the ones `make test` starts, and private ones a test may kill.
        .target(name: "TestServers", path: "Tests/TestServers"),
        .testTarget(
            name: "PrismAPITests",
            dependencies: ["PrismAPI", "PrismFilter", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(
            name: "PrismServerTests",
            dependencies: [
                "PrismServer", "PrismClient", "PrismRegistry", "PrismAPI", "PrismFilter",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ]),
        .testTarget(name: "PrismTopTests", dependencies: ["PrismTop"], exclude: ["golden"]),
        .testTarget(name: "PrismSimulatorTests", dependencies: ["PrismSimulator", "PrismFilter"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "prism", "prismd", "prism-top", "prism-iot-sim", "PrismSimulator", "PrismClient", "TestServers",
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["python", "make-test-certificates.sh"]),
    ],
    swiftLanguageModes: [.v6]
)
