/// A filter prepared for fast, repeated evaluation: regexes compiled, long `in` lists hashed,
/// operands pre-classified. Evaluation never throws and never allocates for ordinary predicates.
struct CompiledFilter: Sendable {
    indirect enum Node: Sendable {
        case constant(Bool)
        case not(Node)
        case and([Node])
        case or([Node])
        /// `negated` flips the positive test's answer, which makes every negated form exactly `not` its
        /// positive form, including on absent fields.
        case test(FieldReference, FieldTest, negated: Bool)
    }

    enum FieldReference: Sendable {
        case identity
        case key(String)
        case keys([String])
    }

    enum FieldTest: Sendable {
        case equalString(String)
        case equalInt(Int64)
        case equalValue(Value)
        /// Holds when the field orders against the operand as one of `accepts`.
        case order(Value, accepts: OrderSet)
        case version(DottedVersion, accepts: OrderSet)
        case inList([Value])
        case inSet(Set<Value>)
        case contains(Value)
        case startsWith(String)
        case endsWith(String)
        case matches(LinearRegex)
        case exists
    }

    struct OrderSet: OptionSet, Sendable {
        let rawValue: UInt8
        static let less = OrderSet(rawValue: 1)
        static let equal = OrderSet(rawValue: 2)
        static let greater = OrderSet(rawValue: 4)
    }

    /// Lists longer than this are hashed; shorter ones are faster to scan.
    static let hashedListThreshold = 8

    private let evaluation: Evaluation

    init(_ expression: FilterExpression, limits: FilterLimits = .default) throws(FilterError) {
        evaluation = Self.closure(for: try Self.compile(expression, limits: limits))
    }

    private static func compile(_ expression: FilterExpression, limits: FilterLimits) throws(FilterError) -> Node {
        switch expression {
        case .constant(let value): return .constant(value)
        case .not(let operand): return .not(try compile(operand, limits: limits))
        case .and(let operands):
            var nodes: [Node] = []
            for operand in operands { nodes.append(try compile(operand, limits: limits)) }
            return .and(nodes)
        case .or(let operands):
            var nodes: [Node] = []
            for operand in operands { nodes.append(try compile(operand, limits: limits)) }
            return .or(nodes)
        case .predicate(let predicate):
            return try compile(predicate, limits: limits)
        }
    }

    private static func compile(_ predicate: Predicate, limits: FilterLimits) throws(FilterError) -> Node {
        let reference: FieldReference =
            predicate.path.isIdentity
            ? .identity
            : (predicate.path.segments.count == 1 ? .key(predicate.path.segments[0]) : .keys(predicate.path.segments))
        let op = predicate.op
        let test: FieldTest
        switch (op.positive, predicate.operand) {
        case (.exists, _):
            test = .exists
        case (.equal, .version(let version)):
            test = .version(version, accepts: .equal)
        case (.equal, .value(.string(let string))):
            test = .equalString(string)
        case (.equal, .value(.int(let integer))):
            test = .equalInt(integer)
        case (.equal, .value(let value)):
            test = .equalValue(value)
        case (.in, .list(let items)):
            test = items.count > hashedListThreshold ? .inSet(Set(items)) : .inList(items)
        case (.contains, .value(let value)):
            test = .contains(value)
        case (.startsWith, .value(.string(let prefix))):
            test = .startsWith(prefix)
        case (.endsWith, .value(.string(let suffix))):
            test = .endsWith(suffix)
        case (.matches, .value(.string(let pattern))):
            test = .matches(try RegexCompiler.compile(pattern, limits: limits, at: .start))
        case (let ordering, .value(let value)) where ordering.isOrdering:
            test = .order(value, accepts: orderSet(for: ordering))
        case (let ordering, .version(let version)) where ordering.isOrdering:
            test = .version(version, accepts: orderSet(for: ordering))
        default:
            throw FilterError(
                .invalidValue, "operator '\(op.rawValue)' cannot take the operand of \(predicate)", at: .start)
        }
        return .test(reference, test, negated: op.isNegated)
    }

    private static func orderSet(for op: PredicateOperator) -> OrderSet {
        switch op {
        case .less: .less
        case .lessOrEqual: [.less, .equal]
        case .greater: .greater
        case .greaterOrEqual: [.greater, .equal]
        default: .equal
        }
    }

    // MARK: Evaluation

    func evaluate(_ metadata: JSONObject, identity: String) -> Bool {
        evaluation(metadata, identity)
    }

    /// The tree compiled once more into nested closures, each specialised for its operator and
    /// operand: evaluation is then a few indirect calls per predicate with no switching on node kinds.
    typealias Evaluation = @Sendable (JSONObject, String) -> Bool

    private static func closure(for node: Node) -> Evaluation {
        switch node {
        case .constant(let value):
            return { _, _ in value }
        case .not(let operand):
            let inner = closure(for: operand)
            return { metadata, identity in !inner(metadata, identity) }
        case .and(let operands):
            // Folded into a chain of two-operand closures: calling a captured closure costs no reference
            // counting, while loading one from an array retains and releases its context on every call.
            return operands.map(closure(for:)).reversed().reduce(nil as Evaluation?) { rest, part in
                guard let rest else { return part }
                return { metadata, identity in part(metadata, identity) && rest(metadata, identity) }
            }!
        case .or(let operands):
            return operands.map(closure(for:)).reversed().reduce(nil as Evaluation?) { rest, part in
                guard let rest else { return part }
                return { metadata, identity in part(metadata, identity) || rest(metadata, identity) }
            }!
        case .test(let reference, let test, let negated):
            return closure(for: reference, test, negated: negated)
        }
    }

    private static func closure(for reference: FieldReference, _ test: FieldTest, negated: Bool) -> Evaluation {
        // The commonest predicate, `key == "string"`, fused into one closure.
        if case .key(let name) = reference, case .equalString(let expected) = test {
            let key = KeyTag(name)
            let expectedBytes = expected.utf8.count
            let expectedIsASCII = expected.utf8.allSatisfy { $0 < 0x80 }
            return { metadata, _ in
                guard case .string(let actual)? = metadata[key] else { return negated }
                // For an ASCII operand, equal byte counts plus Swift's (canonical) equality imply equal
                // bytes: no non-ASCII text is canonically equivalent to ASCII text of the same length.
                let equal =
                    expectedIsASCII
                    ? actual.utf8.count == expectedBytes && actual == expected
                    : StringOrder.equal(actual, expected)
                return equal != negated
            }
        }
        let matcher = self.matcher(for: test)
        switch reference {
        case .key(let name):
            let key = KeyTag(name)
            return { metadata, _ in
                guard let field = metadata[key] else { return negated }
                return matcher(field) != negated
            }
        case .identity:
            return { _, identity in matcher(.string(identity)) != negated }
        case .keys(let names):
            let keys = names.map(KeyTag.init)
            return { metadata, _ in
                guard let field = lookup(keys, in: metadata) else { return negated }
                return matcher(field) != negated
            }
        }
    }

    private static func matcher(for test: FieldTest) -> @Sendable (Value) -> Bool {
        switch test {
        case .order(.int(let bound), let accepts):
            return { field in
                switch field {
                case .int(let actual):
                    return accepts.contains(actual < bound ? .less : (actual == bound ? .equal : .greater))
                case .double: return order(field, .int(bound)).map(accepts.contains) ?? false
                default: return false
                }
            }
        case .startsWith(let prefix):
            return { field in
                if case .string(let text) = field { return StringOrder.hasPrefix(text, prefix) }
                return false
            }
        default:
            return { field in matches(field, test) }
        }
    }

    private static func lookup(_ keys: [KeyTag], in metadata: JSONObject) -> Value? {
        guard var current = metadata[keys[0]] else { return nil }
        for key in keys.dropFirst() {
            guard case .object(let members) = current, let next = members[key] else { return nil }
            current = next
        }
        return current
    }

    /// The positive test on a present field.
    private static func matches(_ field: Value, _ test: FieldTest) -> Bool {
        switch test {
        case .equalString(let expected):
            if case .string(let actual) = field { return StringOrder.equal(actual, expected) }
            return false
        case .equalInt(let expected):
            switch field {
            case .int(let actual): return actual == expected
            case .double(let actual): return NumberOrder.compare(expected, actual) == .equal
            default: return false
            }
        case .equalValue(let expected):
            return field == expected
        case .order(let operand, let accepts):
            return order(field, operand).map(accepts.contains) ?? false
        case .version(let version, let accepts):
            guard case .string(let text) = field, let actual = DottedVersion(text) else { return false }
            let ordering: OrderSet = actual < version ? .less : (actual == version ? .equal : .greater)
            return accepts.contains(ordering)
        case .inList(let items):
            if case .array(let elements) = field {
                return elements.contains { element in items.contains(element) }
            }
            return items.contains(field)
        case .inSet(let items):
            if case .array(let elements) = field {
                return elements.contains { items.contains($0) }
            }
            return items.contains(field)
        case .contains(let operand):
            switch field {
            case .string(let text):
                if case .string(let needle) = operand { return StringOrder.contains(text, needle) }
                return false
            case .array(let elements):
                return elements.contains(operand)
            default:
                return false
            }
        case .startsWith(let prefix):
            if case .string(let text) = field { return StringOrder.hasPrefix(text, prefix) }
            return false
        case .endsWith(let suffix):
            if case .string(let text) = field { return StringOrder.hasSuffix(text, suffix) }
            return false
        case .matches(let regex):
            if case .string(let text) = field { return regex.matches(text) }
            return false
        case .exists:
            return true
        }
    }

    /// How `field` orders against `operand`: numbers with numbers, strings with strings, else `nil`.
    private static func order(_ field: Value, _ operand: Value) -> OrderSet? {
        if case .string(let a) = field {
            guard case .string(let b) = operand else { return nil }
            let result = StringOrder.compare(a, b)
            return result < 0 ? .less : (result == 0 ? .equal : .greater)
        }
        switch NumberOrder.compare(field, operand) {
        case .less?: return .less
        case .equal?: return .equal
        case .greater?: return .greater
        case .unordered?, nil: return nil
        }
    }
}
