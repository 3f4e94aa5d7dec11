#!/usr/bin/env bash
# Regenerates Sources/PrismAPI/Generated from proto/ (run by `make proto`; the output is committed, so builds never
# need protoc). Uses Debian's protoc (protobuf-compiler, libprotobuf-dev for the well-known types) and
# the protoc-gen-swift / protoc-gen-grpc-swift-2 plugins built from the project's package versions.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-proto
swift build -c release --package-path scripts/proto-plugins --scratch-path "$scratch" --product protoc-gen-swift
swift build -c release --package-path scripts/proto-plugins --scratch-path "$scratch" --product protoc-gen-grpc-swift-2
bin="$scratch/release"

# Only generated code lives here; the hand-written helpers are in Sources/PrismAPI/Support and Conversions.
output=Sources/PrismAPI/Generated
mkdir -p "$output"
rm -f "$output"/*.pb.swift "$output"/*.grpc.swift
mapfile -t protos < <(find proto -name '*.proto' | sort)
protoc -I proto -I /usr/include \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
    --swift_out="$output" --swift_opt=Visibility=Public,FileNaming=DropPath \
    --grpc-swift-2_out="$output" --grpc-swift-2_opt=Visibility=Public,FileNaming=DropPath \
    "${protos[@]}"
echo "generated: $(ls "$output" | tr '\n' ' ')"
