import HeapModule
import PrismFilter

/// Keeps the first `limit` identities after a cursor in a sort order, without sorting every match:
/// a bounded max-heap makes a page of k out of n matches cost O(n log k). Entries are small (a name,
/// a position in the caller's array, a sort value), so heap moves copy no metadata. Registry slots
/// that paginate in Swift share it, so every backend orders and pages identically.
public struct PageSelection {
    struct Ranked: Comparable {
        var sortValue: Value?
        var name: String
        var position: Int
        var descending: Bool
        var byName: Bool

        static func < (lhs: Ranked, rhs: Ranked) -> Bool {
            if lhs.byName { return lhs.descending ? lhs.name > rhs.name : lhs.name < rhs.name }
            var comparison = Value.sortOrder(lhs.sortValue, rhs.sortValue)
            if comparison == 0 { comparison = lhs.name < rhs.name ? -1 : (lhs.name == rhs.name ? 0 : 1) }
            return lhs.descending ? comparison > 0 : comparison < 0
        }

        static func == (lhs: Ranked, rhs: Ranked) -> Bool { !(lhs < rhs) && !(rhs < lhs) }
    }

    let order: EnumerationOrder
    let cursor: EnumerationCursor?
    let limit: Int
    /// Holds up to limit + 1 entries; the extra one tells whether there is a next page.
    private var heap = Heap<Ranked>()

    public init(order: EnumerationOrder, cursor: EnumerationCursor?, limit: Int) {
        self.order = order
        self.cursor = cursor
        self.limit = limit
    }

    /// Offers the identity stored at `position` of the caller's array.
    public mutating func consider(_ identity: Identity, position: Int) {
        let sortValue = order.path.flatMap { identity.metadata.value(at: $0) }
        if let cursor, !cursor.precedes(sortValue: sortValue, name: identity.name, in: order) { return }
        let ranked = Ranked(
            sortValue: sortValue, name: identity.name, position: position, descending: order.descending,
            byName: order.path == nil)
        if heap.count <= limit {
            heap.insert(ranked)
        } else if ranked < heap.max! {
            _ = heap.replaceMax(with: ranked)
        }
    }

    /// The page, reading identities from the caller's array by position.
    public func page(totalCount: Int, identities: [Identity]) -> EnumerationPage {
        var ranked = heap.unordered.sorted()
        var next: EnumerationCursor?
        if ranked.count > limit {
            ranked.removeLast()
            let last = ranked[ranked.count - 1]
            next = EnumerationCursor(sortValue: order.path == nil ? nil : last.sortValue, name: last.name)
        }
        return EnumerationPage(
            identities: ranked.map { identities[$0.position] }, totalCount: totalCount, nextCursor: next)
    }
}
