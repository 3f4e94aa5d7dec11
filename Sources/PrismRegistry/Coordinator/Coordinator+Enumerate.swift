import PrismFilter

/// An enumeration as the API asks for it.
public struct EnumerateRequest: Sendable {
    /// Text or map-form filter; `nil` or blank selects everything.
    public var filter: String?
    /// Page size, 1 to ``EnumerateRequest/maxLimit``.
    public var limit: Int
    /// A ``EnumerationPage/nextCursor`` token from the previous page.
    public var cursor: String?
    /// `nil`, `@id` or `identity` sorts by name; otherwise a dotted metadata path (`location.building`).
    public var sortBy: String?
    public var descending: Bool
    public var includeMetadata: Bool

    public static let maxLimit = 10_000

    public init(
        filter: String? = nil, limit: Int = 100, cursor: String? = nil, sortBy: String? = nil,
        descending: Bool = false, includeMetadata: Bool = true
    ) {
        self.filter = filter
        self.limit = limit
        self.cursor = cursor
        self.sortBy = sortBy
        self.descending = descending
        self.includeMetadata = includeMetadata
    }
}

extension Coordinator {
    /// One page of the identities a filter selects, in a stable order (keyset pagination).
    public func enumerate(_ request: EnumerateRequest) async throws(RegistryError) -> EnumerationPage {
        try requireRunning()
        let started = ContinuousClock.now
        guard (1...EnumerateRequest.maxLimit).contains(request.limit) else {
            throw RegistryError(
                .invalidArgument, "limit must be between 1 and \(EnumerateRequest.maxLimit), got \(request.limit)")
        }
        let filter = try parseFilter(request.filter)
        let cursor = try request.cursor.flatMap { token throws(RegistryError) in
            try token.isEmpty ? nil : EnumerationCursor(token: token)
        }
        let query = EnumerationQuery(
            filter: filter?.matchesEverything == true ? nil : filter, limit: request.limit, cursor: cursor,
            sort: try Self.sortOrder(request.sortBy, descending: request.descending),
            includeMetadata: request.includeMetadata)
        let page = try await registry.enumerate(query, now: clock.now())
        stats.count { $0.enumerations += 1 }
        stats.recordEnumerate(ContinuousClock.now - started)
        return page
    }

    static func sortOrder(_ field: String?, descending: Bool) throws(RegistryError) -> EnumerationOrder {
        guard let field, !field.isEmpty, field != "identity" else {
            return EnumerationOrder(path: nil, descending: descending)
        }
        let path: FieldPath
        do {
            path = try FieldPath(parsing: field)
        } catch {
            throw RegistryError(
                .invalidArgument,
                "invalid sort field '\(field)': \(error.message) at column \(error.column); write a metadata path "
                    + #"as in a filter (battery, location.floor, ["serial no"]) or @id"#)
        }
        return EnumerationOrder(path: path.isIdentity ? nil : path.segments, descending: descending)
    }
}
