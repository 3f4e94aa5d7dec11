/// Identity names in ascending order, so that a page in name order is a walk from the cursor rather
/// than a pass over every match.
///
/// Writes only note the change; the next ordered read (``settled()``) applies what was noted: a few
/// changes by binary search, many in one merge, O(n + k log k). A burst of registrations costs one
/// merge instead of shifting the array once per name. The caller inserts only names that are absent
/// and removes only names that are present.
struct SortedNames {
    private var names: [String] = []
    private var added: Set<String> = []
    private var removed: Set<String> = []

    /// Below this many pending changes, each is applied in place.
    private static let inPlaceChanges = 16

    var count: Int { names.count + added.count - removed.count }

    mutating func insert(_ name: String) {
        if removed.remove(name) == nil { added.insert(name) }
    }

    mutating func remove(_ name: String) {
        if added.remove(name) == nil { removed.insert(name) }
    }

    /// The names in ascending order, with every noted change applied.
    mutating func settled() -> [String] {
        settle()
        return names
    }

    private mutating func settle() {
        guard !added.isEmpty || !removed.isEmpty else { return }
        if added.count + removed.count <= Self.inPlaceChanges {
            for name in removed {
                let index = Self.firstIndex(in: names, notBefore: name)
                if index < names.count, names[index] == name { names.remove(at: index) }
            }
            for name in added {
                let index = Self.firstIndex(in: names, notBefore: name)
                if index == names.count || names[index] != name { names.insert(name, at: index) }
            }
        } else {
            let additions = added.sorted()
            var merged: [String] = []
            merged.reserveCapacity(count)
            var next = additions.startIndex
            for name in names where removed.isEmpty || !removed.contains(name) {
                while next < additions.endIndex, additions[next] < name {
                    merged.append(additions[next])
                    next += 1
                }
                merged.append(name)
            }
            merged.append(contentsOf: additions[next...])
            names = merged
        }
        added = []
        removed = []
    }

    /// The first position whose name is not below `name`, by binary search.
    static func firstIndex(in names: [String], notBefore name: String) -> Int {
        var low = 0
        var high = names.count
        while low < high {
            let middle = (low + high) / 2
            if names[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
