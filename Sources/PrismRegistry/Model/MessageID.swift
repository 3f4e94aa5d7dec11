import Synchronization

/// Message and multicast identifiers: unique within a process run and across runs, short, and cheap
/// to make (a random 64-bit prefix per process plus a counter; no lock on the hot path).
enum MessageID {
    private static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36)
    }()
    private static let counter = Atomic<UInt64>(0)

    static func make() -> String {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + "-" + String(value, radix: 36)
    }
}
