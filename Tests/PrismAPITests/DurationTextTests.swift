import PrismAPI
import SwiftProtobuf
import Testing

@Suite("durations as people type them")
struct DurationTextTests {
    @Test(
        "accepted forms",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
            ("1m30s", .seconds(90)), ("2d", .seconds(172_800)), ("0", .zero), (" 10s ", .seconds(10)),
        ])
    func accepted(text: String, expected: Duration) throws {
        #expect(try DurationText.parse(text) == expected)
    }

    @Test(
        "refused forms say why",
        arguments: [
            ("30", "no unit after 30"), ("", "it is empty"), ("5x", "unknown unit 'x'"),
            ("s", "expected a whole number"),
            ("1.5s", "1500ms, not 1.5s"), ("-1s", "a duration cannot be negative"),
            ("99999999999999999h", "too long"),
        ])
    func refused(text: String, reason: String) {
        #expect {
            try DurationText.parse(text)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("protobuf durations and timestamps round-trip")
    func protobuf() {
        let duration = Google_Protobuf_Duration(duration: .milliseconds(1500))
        #expect(duration.seconds == 1 && duration.nanos == 500_000_000)
        #expect(duration.swiftDuration == .milliseconds(1500))
        for milliseconds: Int64 in [0, 1, 999, 1_800_000_000_123, -1, -1001] {
            #expect(Google_Protobuf_Timestamp(unixMilliseconds: milliseconds).unixMilliseconds == milliseconds)
        }
    }
}
