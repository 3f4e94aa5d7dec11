import Histogram
import Synchronization

/// Counters and latency histograms of one namespace, for /metrics, Admin.Stats and prism-top.
final class RegistryStats: Sendable {
    private struct State {
        var counters = StatsSnapshot.Counters()
        var registerLatency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)
        var enumerateLatency = Histogram<UInt64>(
            highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)
        var multicastLatency = Histogram<UInt64>(
            highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .two)
    }

    private let state = Mutex(State())

    func count(_ update: (inout StatsSnapshot.Counters) -> Void) {
        state.withLock { update(&$0.counters) }
    }

    func recordRegister(_ duration: Duration) {
        state.withLock { _ = $0.registerLatency.record(duration.microseconds) }
    }
    func recordEnumerate(_ duration: Duration) {
        state.withLock { _ = $0.enumerateLatency.record(duration.microseconds) }
    }
    func recordMulticast(_ duration: Duration) {
        state.withLock { _ = $0.multicastLatency.record(duration.microseconds) }
    }

    func snapshot() -> StatsSnapshot {
        state.withLock { state in
            StatsSnapshot(
                counters: state.counters, registerLatency: .init(state.registerLatency),
                enumerateLatency: .init(state.enumerateLatency), multicastLatency: .init(state.multicastLatency))
        }
    }
}

/// A copy of a namespace's counters and latency percentiles.
public struct StatsSnapshot: Sendable {
    public struct Counters: Sendable {
        public var registrations = 0
        public var updates = 0
        public var heartbeats = 0
        public var unregistrations = 0
        public var expirations = 0
        public var enumerations = 0
        public var multicasts = 0
        public var targets = 0
        public var delivered = 0
        public var failed = 0
        public var timeouts = 0

        public init() {}
    }

    /// Percentiles of a latency histogram, in microseconds.
    public struct Latency: Sendable {
        public var count: UInt64
        public var p50: UInt64
        public var p99: UInt64
        public var max: UInt64

        init(_ histogram: Histogram<UInt64>) {
            count = histogram.totalCount
            p50 = histogram.valueAtPercentile(50)
            p99 = histogram.valueAtPercentile(99)
            max = histogram.max
        }
    }

    public var counters: Counters
    public var registerLatency: Latency
    public var enumerateLatency: Latency
    public var multicastLatency: Latency
}

extension Duration {
    /// Whole microseconds, at least 0 (histograms take unsigned values).
    var microseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(Swift.max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }
}
