import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A wall-clock instant in milliseconds since the Unix epoch: what expiry times are stored as in every
/// backend (Redis PEXPIREAT, SQLite integers) and what the API reports.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// This instant moved by `duration` (rounded down to whole milliseconds).
    public func adding(_ duration: Duration) -> Timestamp {
        let (sum, overflow) = milliseconds.addingReportingOverflow(duration.wholeMilliseconds)
        return Timestamp(milliseconds: overflow ? (duration < .zero ? .min : .max) : sum)
    }

    /// The time from `other` to this instant.
    public func duration(since other: Timestamp) -> Duration { .milliseconds(milliseconds - other.milliseconds) }

    public var description: String { "\(milliseconds)ms" }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000_000_000).partialValue
    }
}

/// Where the registry reads the time. Injected so TTL tests can move time without sleeping.
public protocol RegistryClock: Sendable {
    func now() -> Timestamp
}

/// The system's real-time clock.
public struct SystemClock: RegistryClock {
    public init() {}

    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

/// A clock that moves only when told to, for tests.
/// ```
/// let clock = ManualClock()
/// clock.advance(by: .seconds(30))
/// ```
public final class ManualClock: RegistryClock {
    private let current: Mutex<Int64>

    public init(start: Timestamp = Timestamp(milliseconds: 1_800_000_000_000)) {
        current = Mutex(start.milliseconds)
    }

    public func now() -> Timestamp { Timestamp(milliseconds: current.withLock { $0 }) }

    public func advance(by duration: Duration) {
        current.withLock { $0 += duration.wholeMilliseconds }
    }
}
