/// A JSON value: the model of identity metadata and of filter literals.
///
/// Numbers keep their JSON spelling's kind (`1` is ``int(_:)``, `1.0` is ``double(_:)``) but compare
/// numerically and exactly: `.int(1) == .double(1.0)`, and no integer above 2^53 is rounded to make
/// a match. Strings compare by their UTF-8 bytes (that is, by Unicode scalars, with no normalization),
/// which is also what SQLite and Redis do, so every registry backend can agree with the evaluator.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([Value])
    case object(JSONObject)
}

extension Value {
    /// The value at `key` when this is an object; `nil` when the key is missing or this is not an object.
    @inlinable
    public subscript(key: String) -> Value? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The name of the JSON type, as used in error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Whether this is an integer or a double.
    public var isNumber: Bool {
        switch self {
        case .int, .double: true
        default: false
        }
    }

    /// Whether this is a string, number, boolean or null.
    public var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}

extension Value: Equatable {
    /// Deep JSON equality: numbers numerically, strings byte-wise, objects regardless of key order.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)): return NumberOrder.compare(a, b) == .equal
        case (.double(let a), .int(let b)): return NumberOrder.compare(b, a) == .equal
        case (.string(let a), .string(let b)): return StringOrder.equal(a, b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a.keys == b.keys && a.values == b.values
        default: return false
        }
    }
}

extension Value: Hashable {
    /// Hashes consistently with `==`: an integral double hashes as the integer it equals.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(1); hasher.combine(i)
        case .double(let d):
            if let exact = Int64(exactly: d) {
                hasher.combine(1)
                hasher.combine(exact)
            } else {
                hasher.combine(2)
                hasher.combine(d)
            }
        case .string(let s):
            hasher.combine(3)
            StringOrder.hash(s, into: &hasher)
        case .array(let items):
            hasher.combine(4)
            hasher.combine(items.count)
            for item in items { item.hash(into: &hasher) }
        case .object(let members):
            // Keys are kept sorted, so hashing in order is independent of how the object was built.
            hasher.combine(5)
            hasher.combine(members.count)
            for (key, value) in members {
                StringOrder.hash(key, into: &hasher)
                value.hash(into: &hasher)
            }
        }
    }
}

// Not ExpressibleByNilLiteral: `metadata[key] == nil` must mean "absent", never "JSON null".
extension Value: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(JSONObject(elements))
    }
}
