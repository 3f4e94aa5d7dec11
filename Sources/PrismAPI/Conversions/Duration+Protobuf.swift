import SwiftProtobuf

extension Google_Protobuf_Duration {
    /// The protobuf form of a Swift duration, to the nanosecond.
    public init(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(seconds: seconds, nanos: Int32(attoseconds / 1_000_000_000))
    }

    /// The Swift duration (seconds and nanos add, as the protobuf spec defines them).
    public var swiftDuration: Duration {
        .seconds(seconds) + .nanoseconds(Int64(nanos))
    }
}

extension Google_Protobuf_Timestamp {
    /// A timestamp from milliseconds since the Unix epoch.
    public init(unixMilliseconds: Int64) {
        let seconds = unixMilliseconds.quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, remainder) =
            seconds.remainder < 0 ? (seconds.quotient - 1, seconds.remainder + 1000) : seconds
        self.init(seconds: wholeSeconds, nanos: Int32(remainder * 1_000_000))
    }

    public var unixMilliseconds: Int64 { seconds * 1000 + Int64(nanos / 1_000_000) }
}
