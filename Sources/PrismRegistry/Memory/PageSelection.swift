import HeapModule
import PrismFilter

/// Keeps the first `limit` identities after a cursor in a sort order, without sorting every match:
/// a bounded max-heap makes a page of k out of n matches cost O(n log k).
struct PageSelection {
    struct Ranked: Comparable {
        var sortValue: Value?
        var identity: Identity
        var descending: Bool
        var byName: Bool

        static func < (lhs: Ranked, rhs: Ranked) -> Bool {
            var comparison = lhs.byName ? 0 : Value.sortOrder(lhs.sortValue, rhs.sortValue)
            if comparison == 0 {
                comparison = lhs.identity.name < rhs.identity.name ? -1 : (lhs.identity.name == rhs.identity.name ? 0 : 1)
            }
            return lhs.descending ? comparison > 0 : comparison < 0
        }

        static func == (lhs: Ranked, rhs: Ranked) -> Bool { !(lhs < rhs) && !(rhs < lhs) }
    }

    let order: SortOrder
    let cursor: EnumerationCursor?
    let limit: Int
    /// Holds up to limit + 1 entries; the extra one tells whether there is a next page.
    private var heap = Heap<Ranked>()

    init(order: SortOrder, cursor: EnumerationCursor?, limit: Int) {
        self.order = order
        self.cursor = cursor
        self.limit = limit
    }

    mutating func consider(_ identity: Identity) {
        let sortValue = order.path.flatMap { identity.metadata.value(at: $0) }
        if let cursor, !cursor.precedes(sortValue: sortValue, name: identity.name, in: order) { return }
        let ranked = Ranked(
            sortValue: sortValue, identity: identity, descending: order.descending, byName: order.path == nil)
        if heap.count <= limit {
            heap.insert(ranked)
        } else if ranked < heap.max! {
            _ = heap.replaceMax(with: ranked)
        }
    }

    func page(totalCount: Int) -> EnumerationPage {
        var ranked = heap.unordered.sorted()
        var next: EnumerationCursor?
        if ranked.count > limit {
            ranked.removeLast()
            let last = ranked[ranked.count - 1]
            next = EnumerationCursor(sortValue: order.path == nil ? nil : last.sortValue, name: last.identity.name)
        }
        return EnumerationPage(identities: ranked.map(\.identity), totalCount: totalCount, nextCursor: next)
    }
}
