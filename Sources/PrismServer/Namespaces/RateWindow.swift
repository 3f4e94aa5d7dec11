import PrismRegistry
import Synchronization

/// Rates over the last minute from samples of a namespace's counters. Sampling happens when someone
/// asks (ListPatterns), so an idle prismd does no work for it.
final class RateWindow: Sendable {
    struct Rates: Sendable {
        var registrationsPerSecond = 0.0
        var multicastsPerMinute = 0.0
        var fanoutPerSecond = 0.0
        /// Delivered over targets in the window; 1 when nothing was sent.
        var deliveryRatio = 1.0
    }

    private struct Sample {
        var at: ContinuousClock.Instant
        var counters: StatsSnapshot.Counters
    }

    private let window: Duration
    private let samples = Mutex<[Sample]>([])

    init(window: Duration = .seconds(60)) { self.window = window }

    /// Records the current counters and returns the rates since the oldest sample still in the window.
    func rates(now: ContinuousClock.Instant = .now, counters: StatsSnapshot.Counters) -> Rates {
        samples.withLock { samples in
            samples.removeAll { now - $0.at > window }
            samples.append(Sample(at: now, counters: counters))
            guard let oldest = samples.first, now - oldest.at > .milliseconds(100) else { return Rates() }
            let seconds =
                Double((now - oldest.at).components.seconds)
                + Double((now - oldest.at).components.attoseconds) / 1e18
            let before = oldest.counters
            let registrations = counters.registrations + counters.updates - before.registrations - before.updates
            let targets = counters.targets - before.targets
            let delivered = counters.delivered - before.delivered
            return Rates(
                registrationsPerSecond: Double(registrations) / seconds,
                multicastsPerMinute: Double(counters.multicasts - before.multicasts) * 60 / seconds,
                fanoutPerSecond: Double(targets) / seconds,
                deliveryRatio: targets == 0 ? 1 : Double(delivered) / Double(targets))
        }
    }
}
