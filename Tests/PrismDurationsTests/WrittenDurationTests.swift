import PrismDurations
import Testing

@Suite("durations written as people write them")
struct WrittenDurationTests {
    @Test(
        "largest units first, exact to the millisecond",
        arguments: [
            (Duration.seconds(86_400), "1d"), (.seconds(5400), "1h30m"), (.seconds(90), "1m30s"),
            (.milliseconds(1500), "1500ms"), (.milliseconds(250), "250ms"), (.seconds(3600), "1h"),
            (.milliseconds(61_500), "1m1500ms"), (.seconds(90_061), "1d1h1m1s"), (.zero, "0s"),
            (.seconds(-30), "-30s"), (.microseconds(1_999), "1ms"),
        ])
    func written(duration: Duration, expected: String) {
        #expect(duration.written == expected)
    }
}
