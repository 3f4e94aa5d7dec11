// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Prism",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PrismFilter", targets: ["PrismFilter"]),
        .executable(name: "prism", targets: ["prism"]),
        .executable(name: "prism-bench", targets: ["prism-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .target(name: "PrismFilter"),
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
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PrismFilterTests", dependencies: ["PrismFilter"]),
        .testTarget(name: "EndToEndTests", dependencies: ["prism"]),
    ],
    swiftLanguageModes: [.v6]
)
