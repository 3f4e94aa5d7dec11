extension Value {
    /// A total order over JSON values (and absence), for sorting enumerations by a metadata field:
    /// absent < null < false < true < numbers (numerically) < strings (by UTF-8 bytes) < arrays < objects.
    /// Arrays compare element by element, objects by their canonical JSON text.
    /// - Returns: a negative number, zero or a positive number.
    public static func sortOrder(_ lhs: Value?, _ rhs: Value?) -> Int {
        switch (lhs, rhs) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let a?, let b?):
            let rankA = a.sortRank
            let rankB = b.sortRank
            if rankA != rankB { return rankA - rankB }
            switch (a, b) {
            case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
            case (.string(let x), .string(let y)): return StringOrder.compare(x, y)
            case (.array(let x), .array(let y)):
                for (left, right) in zip(x, y) {
                    let order = sortOrder(left, right)
                    if order != 0 { return order }
                }
                return x.count - y.count
            case (.object, .object): return StringOrder.compare(a.jsonText, b.jsonText)
            default:
                switch NumberOrder.compare(a, b) {
                case .less?: return -1
                case .greater?: return 1
                default: return 0
                }
            }
        }
    }

    private var sortRank: Int {
        switch self {
        case .null: 0
        case .bool: 1
        case .int, .double: 2
        case .string: 3
        case .array: 4
        case .object: 5
        }
    }

    /// The value at `path` (object keys from here), or `nil` when a key is missing or a step is not an object.
    public func value(at path: [String]) -> Value? {
        var current = self
        for key in path {
            guard case .object(let members) = current, let next = members[key] else { return nil }
            current = next
        }
        return current
    }
}

extension JSONObject {
    /// The value at `path`, or `nil` when a key is missing or a step is not an object.
    public func value(at path: [String]) -> Value? {
        guard let first = path.first, let head = self[first] else { return nil }
        return head.value(at: Array(path.dropFirst()))
    }

    /// This object with `patch` applied as an RFC 7386 JSON merge patch: keys set to `null` are removed,
    /// objects merge recursively, anything else replaces.
    public func merging(patch: JSONObject) -> JSONObject {
        var result = self
        for (key, value) in patch {
            switch value {
            case .null:
                result[key] = nil
            case .object(let nested):
                if case .object(let existing)? = result[key] {
                    result[key] = .object(existing.merging(patch: nested))
                } else {
                    result[key] = .object(JSONObject().merging(patch: nested))
                }
            default:
                result[key] = value
            }
        }
        return result
    }
}
