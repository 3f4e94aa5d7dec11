/// A binary min-heap of expiry deadlines.
///
/// Hand-written rather than swift-collections' `Heap` (a min-max heap) because counting the deadlines
/// that have passed relies on the binary layout: the entries at or before a time form a subtree at the
/// root, so they are found in O(passed) without touching the rest.
struct DeadlineHeap {
    struct Entry: Comparable {
        var expiresAt: Timestamp
        var name: String

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.expiresAt != rhs.expiresAt ? lhs.expiresAt < rhs.expiresAt : lhs.name < rhs.name
        }
    }

    private var entries: [Entry] = []

    var count: Int { entries.count }
    var min: Entry? { entries.first }

    mutating func insert(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child] < entries[parent] else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func removeMin() -> Entry? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        guard !entries.isEmpty else { return top }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { break }
            var smallest = left
            if left + 1 < entries.count, entries[left + 1] < entries[left] { smallest = left + 1 }
            guard entries[smallest] < entries[parent] else { break }
            entries.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }

    /// Calls `body` with every entry whose deadline is at or before `now`, in no particular order.
    func forEach(atOrBefore now: Timestamp, _ body: (Entry) -> Void) {
        var stack = entries.isEmpty ? [] : [0]
        while let index = stack.popLast() {
            guard entries[index].expiresAt <= now else { continue }
            body(entries[index])
            let left = 2 * index + 1
            if left < entries.count { stack.append(left) }
            if left + 1 < entries.count { stack.append(left + 1) }
        }
    }
}
