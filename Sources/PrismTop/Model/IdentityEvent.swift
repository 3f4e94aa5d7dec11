/// Something that happened to one identity (registered, updated, heartbeat, unregistered, expired), as
/// the Watch stream told it; the detail pane lists the most recent.
public struct IdentityEvent: Sendable, Equatable {
    /// Unix seconds.
    public var at: Double
    /// The event kind as a word: `REGISTERED`, `HEARTBEAT`, ...
    public var kind: String
    /// Heartbeats in a row are one entry: how many, `at` being the last.
    public var count: Int

    public init(at: Double, kind: String, count: Int = 1) {
        self.at = at
        self.kind = kind
        self.count = count
    }
}
