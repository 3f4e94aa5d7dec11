import PrismRegistry
import Testing

@testable import PrismServer

@Suite("RateWindow: per-namespace rates for ListPatterns")
struct RateWindowTests {
    static func counters(multicasts: Int, targets: Int, delivered: Int) -> StatsSnapshot.Counters {
        var counters = StatsSnapshot.Counters()
        counters.multicasts = multicasts
        counters.targets = targets
        counters.delivered = delivered
        return counters
    }

    @Test("the first question after a burst sees the burst, counted from start-up")
    func firstAsk() {
        let start = ContinuousClock.now
        let window = RateWindow(startedAt: start)
        let rates = window.rates(
            now: start + .seconds(10), counters: Self.counters(multicasts: 5, targets: 40, delivered: 30))
        #expect(rates.multicastsPerMinute == 30)
        #expect(rates.fanoutPerSecond == 4)
        #expect(rates.deliveryRatio == 0.75)
    }

    @Test("samples older than the window stop counting, unless no newer one is left to measure from")
    func slides() {
        let start = ContinuousClock.now
        let window = RateWindow(startedAt: start)
        _ = window.rates(now: start + .seconds(10), counters: Self.counters(multicasts: 5, targets: 40, delivered: 40))
        let quiet = window.rates(
            now: start + .seconds(100), counters: Self.counters(multicasts: 5, targets: 40, delivered: 40))
        #expect(quiet.multicastsPerMinute == 0, "nothing happened in the last 90 s")
        #expect(quiet.deliveryRatio == 1)
        let busy = window.rates(
            now: start + .seconds(130), counters: Self.counters(multicasts: 65, targets: 100, delivered: 100))
        // Baseline: the sample at 100 s, the oldest inside the window; 60 multicasts in 30 s.
        #expect(busy.multicastsPerMinute == 120)
    }
}
