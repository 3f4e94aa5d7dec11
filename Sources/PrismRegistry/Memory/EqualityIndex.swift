import PrismFilter

/// Identity names by the value of one metadata path, for equality and `in` lookups without a scan.
///
/// A scalar field is indexed under its value; an array field under each scalar element (so `in` on
/// arrays is served too). Integral doubles and integers share a bucket, as `==` says they are equal.
/// Lookups return candidates, which the caller still tests with the full filter.
struct EqualityIndex {
    let path: [String]
    private(set) var buckets: [Value: SortedNames] = [:]
    /// Identities whose value here is an array: each sits in its elements' buckets, where `path == v`
    /// does not match it, so buckets are exact answers to `==` only while there are none.
    private(set) var arrayValuedCount = 0

    var bucketsAreExact: Bool { arrayValuedCount == 0 }

    init(path: [String]) { self.path = path }

    static func keys(of metadata: JSONObject, at path: [String]) -> [Value] {
        switch metadata.value(at: path) {
        case nil, .object?: return []
        case .array(let items)?: return Array(Set(items.filter(\.isScalar)))
        case let scalar?: return [scalar]
        }
    }

    mutating func insert(_ identity: Identity) {
        if case .array? = identity.metadata.value(at: path) { arrayValuedCount += 1 }
        for key in Self.keys(of: identity.metadata, at: path) {
            buckets[key, default: SortedNames()].insert(identity.name)
        }
    }

    mutating func remove(_ identity: Identity) {
        if case .array? = identity.metadata.value(at: path) { arrayValuedCount -= 1 }
        for key in Self.keys(of: identity.metadata, at: path) {
            buckets[key]?.remove(identity.name)
            if buckets[key]?.count == 0 { buckets[key] = nil }
        }
    }

    /// A write of an identity already here: a heartbeat's patch rarely touches an indexed field, and
    /// then its buckets stay as they are.
    mutating func replace(_ previous: Identity, with identity: Identity) {
        if previous.metadata.value(at: path) == identity.metadata.value(at: path) { return }
        remove(previous)
        insert(identity)
    }

    /// The names whose value is one of `values`, ascending and without repeats.
    mutating func names(equalTo values: [Value]) -> [String] {
        if values.count == 1 { return buckets[values[0]]?.settled() ?? [] }
        var names: Set<String> = []
        for value in Set(values) { names.formUnion(buckets[value]?.settled() ?? []) }
        return names.sorted()
    }
}

/// The indexable parts of a filter: top-level conjuncts of the form `path == scalar` or `path in [...]`.
enum IndexablePredicate {
    case identity([String])
    case metadata(path: [String], values: [Value])

    /// Every conjunct of `expression` an index (or the name table) can answer.
    static func conjuncts(of expression: FilterExpression) -> [IndexablePredicate] {
        let operands: [FilterExpression]
        switch expression {
        case .and(let items): operands = items
        default: operands = [expression]
        }
        return operands.compactMap { operand in
            guard case .predicate(let predicate) = operand else { return nil }
            let values: [Value]
            switch (predicate.op, predicate.operand) {
            case (.equal, .value(let value)) where value.isScalar: values = [value]
            case (.in, .list(let items)): values = items
            default: return nil
            }
            if predicate.path.isIdentity {
                return .identity(values.compactMap { if case .string(let name) = $0 { name } else { nil } })
            }
            return .metadata(path: predicate.path.segments, values: values)
        }
    }
}
