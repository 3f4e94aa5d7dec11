import PrismFilter

/// The registry slot: stores identities, evaluates filters, expires TTLs.
///
/// Implementations must give exactly the answers of the PrismFilter reference evaluator (a backend that
/// pushes a filter down natively evaluates the rest with ``Filter/matches(_:identity:)``), must treat an
/// identity as absent from the instant it expires, and must make ``register(_:replace:now:)`` atomic:
/// two concurrent registrations of one name without `replace` cannot both succeed.
/// `PrismRegistryConformance` checks all of this against any implementation.
public protocol RegistrySlot: Sendable {
    /// The backend's name as configured: `memory`, `sqlite`, `redis`.
    var backend: String { get }

    /// Stores `identity`. Without `replace`, an existing unexpired identity of that name is
    /// ``RegistryError/Code/alreadyExists``. With `replace`, it is overwritten but keeps its `registeredAt`.
    /// - Parameter capacity: when given, adding a new name while `capacity` unexpired identities exist is
    ///   ``RegistryError/Code/resourceExhausted``; checked atomically with the insert.
    /// - Returns: the previous unexpired identity, if any.
    func register(_ identity: Identity, replace: Bool, capacity: Int?, now: Timestamp) async throws(RegistryError)
        -> Identity?

    /// Renews an unexpired identity: sets `expiresAt` as `renewal` says (from the stored identity, in
    /// the same atomic step, for ``Renewal/ownTTL``) and `updatedAt`, and applies `metadataPatch` (an
    /// RFC 7386 merge patch) when given. ``Identity/renewed(_:metadataPatch:at:)`` does all of it.
    /// - Throws: ``RegistryError/Code/notFound`` when the identity is absent or expired.
    func renew(_ name: String, _ renewal: Renewal, metadataPatch: JSONObject?, now: Timestamp)
        async throws(RegistryError) -> Identity

    /// Removes an identity. - Returns: the removed identity when it was present and unexpired.
    func remove(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity?

    /// The unexpired identity of that name, or `nil`.
    func get(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity?

    /// One page of the unexpired identities matching the query, in its order.
    func enumerate(_ query: EnumerationQuery, now: Timestamp) async throws(RegistryError) -> EnumerationPage

    /// The names of the unexpired identities `filter` selects (all of them for `nil`): a multicast's
    /// target snapshot. Returns at most `limit` names when a limit is given (callers pass max + 1 to
    /// detect an oversized fan-out without materialising it).
    func targets(matching filter: Filter?, limit: Int?, now: Timestamp) async throws(RegistryError) -> [String]

    /// Removes up to `limit` identities whose expiry is at or before `now`, earliest first, and returns
    /// them. Costs O(expired), never a scan of all identities.
    func removeExpired(now: Timestamp, limit: Int) async throws(RegistryError) -> [Identity]

    /// How many unexpired identities there are.
    func count(now: Timestamp) async throws(RegistryError) -> Int

    func health() async -> SlotHealth

    /// Releases connections and files; the slot is unusable afterwards.
    /// The slot's background work (a database's checkpoints, say) until the calling task is cancelled.
    /// The namespace's ``Coordinator/run()`` drives it; slots without any return at once.
    func run() async

    func close() async
}

extension RegistrySlot {
    public func run() async {}

    /// Stores `identity` with no capacity limit.
    public func register(_ identity: Identity, replace: Bool, now: Timestamp) async throws(RegistryError) -> Identity? {
        try await register(identity, replace: replace, capacity: nil, now: now)
    }
}

/// What an enumeration asks for.
public struct EnumerationQuery: Sendable {
    /// `nil` selects everything.
    public var filter: Filter?
    /// The most identities to return in this page (at least 1).
    public var limit: Int
    /// Where the previous page ended (``EnumerationPage/nextCursor``), or `nil` for the first page.
    public var cursor: EnumerationCursor?
    public var sort: EnumerationOrder
    /// Whether the page carries metadata (leaving it out makes large listings cheaper).
    public var includeMetadata: Bool

    public init(
        filter: Filter? = nil, limit: Int = 100, cursor: EnumerationCursor? = nil, sort: EnumerationOrder = .byIdentity,
        includeMetadata: Bool = true
    ) {
        self.filter = filter
        self.limit = limit
        self.cursor = cursor
        self.sort = sort
        self.includeMetadata = includeMetadata
    }
}

/// The order of an enumeration: by identity name, or by a metadata field with the name breaking ties.
public struct EnumerationOrder: Sendable, Hashable {
    /// The metadata path to sort by; `nil` sorts by identity name.
    public var path: [String]?
    public var descending: Bool

    public init(path: [String]?, descending: Bool = false) {
        self.path = path
        self.descending = descending
    }

    public static let byIdentity = EnumerationOrder(path: nil)
}

/// One page of an enumeration.
public struct EnumerationPage: Sendable {
    public var identities: [Identity]
    /// How many identities match the filter in all (not just this page).
    public var totalCount: Int
    /// Pass to the next query to continue; `nil` on the last page.
    public var nextCursor: EnumerationCursor?

    public init(identities: [Identity], totalCount: Int, nextCursor: EnumerationCursor?) {
        self.identities = identities
        self.totalCount = totalCount
        self.nextCursor = nextCursor
    }
}
