// swift-tools-version:6.1
// Builds the protoc plugins `make proto` uses, from the same package versions the project depends on.
import PackageDescription

let package = Package(
    name: "PrismProtoPlugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
    ],
    targets: []
)
