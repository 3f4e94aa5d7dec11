import PrismRegistry
import Synchronization

/// Rates over the last minute from samples of a namespace's counters. Sampling happens when someone
/// asks (ListPatterns), so an idle prismd does no work for it.
///
/// The window starts with the counters' zero at start-up, and when no sample is inside the window the
/// newest older one stays the baseline: the first dashboard to ask, after a burst of multicasts, still
/// sees them (averaged over the longer span) instead of zero.
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

    init(window: Duration = .seconds(60), startedAt: ContinuousClock.Instant = .now) {
        self.window = window
        samples.withLock { $0 = [Sample(at: startedAt, counters: StatsSnapshot.Counters())] }
    }

    /// Records the current counters and returns the rates since the oldest sample still in the window.
    func rates(now: ContinuousClock.Instant = .now, counters: StatsSnapshot.Counters) -> Rates {
        samples.withLock { samples in
            if let firstInside = samples.firstIndex(where: { now - $0.at <= window }) {
                samples.removeFirst(firstInside)
            } else if let newest = samples.last {
                samples = [newest]
            }
            samples.append(Sample(at: now, counters: counters))
            guard let oldest = samples.first, now - oldest.at > .milliseconds(100) else { return Rates() }
            let seconds = (now - oldest.at) / .seconds(1)
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
