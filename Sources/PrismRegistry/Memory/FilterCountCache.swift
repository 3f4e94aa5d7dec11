import PrismFilter

/// How many identities recent filters matched, so that paging through a filter's matches does not
/// evaluate every match again for each page's `total_count`.
///
/// A count holds while nothing was written (the state's revision is unchanged) and no identity can
/// have expired since it was taken (before the earliest deadline then). It is exact whenever served.
struct FilterCountCache {
    private struct Entry {
        var revision: UInt64
        var validBefore: Timestamp?
        var count: Int
    }

    /// Distinct filters remembered; beyond it the cache starts again (filters in use are few).
    static let capacity = 256

    private var entries: [String: Entry] = [:]

    func count(for filter: Filter, revision: UInt64, now: Timestamp) -> Int? {
        guard let entry = entries[filter.description], entry.revision == revision else { return nil }
        if let validBefore = entry.validBefore, now >= validBefore { return nil }
        return entry.count
    }

    mutating func store(_ count: Int, for filter: Filter, revision: UInt64, validBefore: Timestamp?) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[filter.description] = Entry(revision: revision, validBefore: validBefore, count: count)
    }
}
