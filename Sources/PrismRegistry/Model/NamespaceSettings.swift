import PrismFilter

/// The configuration of one namespace: its TTL policy, limits and indexing.
public struct NamespaceSettings: Sendable {
    /// The namespace's name, as requests give it.
    public var name: String
    /// The TTL used when a registration gives none (or 0); `nil` means identities do not expire by default.
    public var defaultTTL: Duration?
    /// The largest TTL a registration may ask for; `nil` for no limit.
    public var maxTTL: Duration?
    /// The most identities the namespace holds; `nil` for no limit.
    public var maxIdentities: Int?
    /// Limits on the filters clients send.
    public var filterLimits: FilterLimits
    /// Metadata paths to index for equality lookups. `nil` lets the memory registry choose: it indexes a
    /// path the first time a filter's equality on it would otherwise scan many identities.
    public var indexedFields: [[String]]?
    /// How often expired identities are swept (removed and announced as EXPIRED).
    public var sweepInterval: Duration
    /// Multicast publishes go out in batches of this many messages.
    public var multicastBatchSize: Int
    /// How many batches of one multicast are in flight at once.
    public var multicastConcurrency: Int

    public init(
        name: String = "default", defaultTTL: Duration? = nil, maxTTL: Duration? = nil, maxIdentities: Int? = nil,
        filterLimits: FilterLimits = .default, indexedFields: [[String]]? = nil, sweepInterval: Duration = .seconds(1),
        multicastBatchSize: Int = 1024, multicastConcurrency: Int = 4
    ) {
        self.name = name
        self.defaultTTL = defaultTTL
        self.maxTTL = maxTTL
        self.maxIdentities = maxIdentities
        self.filterLimits = filterLimits
        self.indexedFields = indexedFields
        self.sweepInterval = sweepInterval
        self.multicastBatchSize = multicastBatchSize
        self.multicastConcurrency = multicastConcurrency
    }
}
