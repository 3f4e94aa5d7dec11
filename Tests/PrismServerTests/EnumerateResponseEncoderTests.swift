import Foundation
import PrismAPI
import PrismFilter
import PrismRegistry
import SwiftProtobuf
import Testing

@testable import PrismServer

/// The hand-written Enumerate encoder against SwiftProtobuf: its bytes must decode to exactly the
/// message the generated code builds from the same page.
@Suite("EnumerateResponse written directly in wire format")
struct EnumerateResponseEncoderTests {
    static func randomValue(_ random: inout SplitMix64, depth: Int) -> Value {
        switch random.next() % (depth > 2 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2:
            let choices: [Int64] = [0, 1, -1, 127, 128, 1 << 40, -(1 << 53), Int64(random.next() % 100_000)]
            return .int(choices[Int(random.next() % UInt64(choices.count))])
        case 3:
            let choices: [Double] = [0.5, -0.0, 1e300, -2.25, Double(random.next() % 1000) / 7]
            return .double(choices[Int(random.next() % UInt64(choices.count))])
        case 4:
            // Short, multi-byte UTF-8, and long enough to need a two-byte length.
            let choices = ["", "HQ", "Zürich ✓ 東京", String(repeating: "x", count: 130 + Int(random.next() % 300))]
            return .string(choices[Int(random.next() % UInt64(choices.count))])
        case 5:
            return .array((0..<Int(random.next() % 4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            return .object(randomObject(&random, depth: depth + 1))
        }
    }

    static func randomObject(_ random: inout SplitMix64, depth: Int) -> JSONObject {
        var object = JSONObject()
        for index in 0..<Int(random.next() % 6) {
            object[index == 0 && random.next() % 5 == 0 ? "" : "key\(index)"] = randomValue(&random, depth: depth)
        }
        return object
    }

    @Test("random pages decode to the generated code's message", arguments: [1, 2, 3, 4])
    func matchesGeneratedMessages(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for round in 0..<50 {
            let identities = (0..<Int(random.next() % 12)).map { index in
                let registered = Timestamp(milliseconds: Int64(random.next() % 4_000_000_000_000))
                return Identity(
                    name: "dev-\(round)-\(index)", metadata: Self.randomObject(&random, depth: 0),
                    registeredAt: registered,
                    updatedAt: Timestamp(milliseconds: registered.milliseconds + Int64(random.next() % 3) * 1000),
                    expiresAt: random.next() % 2 == 0
                        ? nil : Timestamp(milliseconds: registered.milliseconds + Int64(random.next() % 90_000)))
            }
            let page = EnumerationPage(
                identities: identities, totalCount: [0, identities.count, 1 << 20][Int(random.next() % 3)],
                nextCursor: random.next() % 2 == 0 ? nil : EnumerationCursor(sortValue: nil, name: "dev-\(round)"))
            for includeMetadata in [true, false] {
                var expected = Prism_Registry_V1_EnumerateResponse()
                expected.identities = page.identities.map {
                    Prism_Registry_V1_Identity($0, includeMetadata: includeMetadata)
                }
                expected.totalCount = UInt64(page.totalCount)
                expected.nextCursor = page.nextCursor?.token ?? ""
                let bytes = EnumerateResponseEncoder.encode(page, includeMetadata: includeMetadata)
                let decoded = try Prism_Registry_V1_EnumerateResponse(serializedBytes: bytes)
                #expect(decoded == expected, "round \(round), metadata \(includeMetadata)")
            }
        }
    }
}
