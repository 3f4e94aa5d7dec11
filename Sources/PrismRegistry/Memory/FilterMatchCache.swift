import PrismFilter

/// The names recent filters matched, in order, so that paging through a filter's matches neither
/// evaluates the filter again for each page nor walks past the identities it does not match: a page
/// is a binary search for the cursor and a slice, and `total_count` is the list's length.
///
/// A list holds while nothing was written (the state's revision is unchanged) and no identity can
/// have expired since it was made (before the earliest deadline then). It is exact whenever served.
/// A namespace under a steady stream of writes misses every time and pays one pass over the
/// filter's candidates per page, which is what counting cost before.
struct FilterMatchCache {
    private struct Entry {
        var revision: UInt64
        var validBefore: Timestamp?
        var names: [String]
    }

    /// Distinct filters remembered...
    static let capacity = 64
    /// ...and names held in all, about 16 MiB; beyond either the cache starts again.
    static let maxNames = 1_000_000

    private var entries: [String: Entry] = [:]
    private var heldNames = 0

    func names(for filter: Filter, revision: UInt64, now: Timestamp) -> [String]? {
        guard let entry = entries[filter.description], entry.revision == revision else { return nil }
        if let validBefore = entry.validBefore, now >= validBefore { return nil }
        return entry.names
    }

    mutating func store(_ names: [String], for filter: Filter, revision: UInt64, validBefore: Timestamp?) {
        if entries.count >= Self.capacity || heldNames + names.count > Self.maxNames {
            entries.removeAll(keepingCapacity: true)
            heldNames = 0
        }
        heldNames += names.count - (entries[filter.description]?.names.count ?? 0)
        entries[filter.description] = Entry(revision: revision, validBefore: validBefore, names: names)
    }
}
