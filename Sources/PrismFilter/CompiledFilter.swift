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

    private let root: any EvaluationNode

    /// - Parameter regexes: patterns the parser already compiled, by pattern text.
    init(
        _ expression: FilterExpression, limits: FilterLimits = .default, regexes: [String: LinearRegex] = [:]
    ) throws(FilterError) {
        root = Self.node(for: try Self.compile(expression, limits: limits, regexes: regexes))
    }

    private static func compile(
        _ expression: FilterExpression, limits: FilterLimits, regexes: [String: LinearRegex]
    ) throws(FilterError) -> Node {
        switch expression {
        case .constant(let value): return .constant(value)
        case .not(let operand): return .not(try compile(operand, limits: limits, regexes: regexes))
        case .and(let operands):
            var nodes: [Node] = []
            for operand in operands { nodes.append(try compile(operand, limits: limits, regexes: regexes)) }
            return .and(nodes)
        case .or(let operands):
            var nodes: [Node] = []
            for operand in operands { nodes.append(try compile(operand, limits: limits, regexes: regexes)) }
            return .or(nodes)
        case .predicate(let predicate):
            return try compile(predicate, limits: limits, regexes: regexes)
        }
    }

    private static func compile(
        _ predicate: FilterPredicate, limits: FilterLimits, regexes: [String: LinearRegex]
    ) throws(FilterError) -> Node {
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
            if let compiled = regexes[pattern] {
                test = .matches(compiled)
            } else {
                test = .matches(try RegexCompiler.compile(pattern, limits: limits, at: .start))
            }
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
        root.evaluate(metadata, identity)
    }

    /// Builds the runtime tree, choosing a specialised node for the commonest predicate shapes.
    private static func node(for node: Node) -> any EvaluationNode {
        switch node {
        case .constant(let value):
            return ConstantNode(value)
        case .not(let operand):
            return NotNode(self.node(for: operand))
        case .and(let operands):
            return chain(operands[...], AndNode.init)
        case .or(let operands):
            return chain(operands[...], OrNode.init)
        case .test(.key(let name), .equalString(let expected), let negated):
            return KeyStringEqualNode(key: KeyTag(name), expected: expected, negated: negated)
        case .test(.key(let name), .order(let bound, let accepts), let negated) where bound.isNumber:
            return KeyNumberOrderNode(key: KeyTag(name), bound: bound, accepts: accepts, negated: negated)
        case .test(.key(let name), .exists, let negated):
            return KeyExistsNode(key: KeyTag(name), negated: negated)
        case .test(.key(let name), let test, let negated):
            return KeyTestNode(key: KeyTag(name), test: test, negated: negated)
        case .test(.keys(let names), let test, let negated):
            return PathTestNode(keys: names.map(KeyTag.init), test: test, negated: negated)
        case .test(.identity, let test, let negated):
            return IdentityTestNode(test: test, negated: negated)
        }
    }

    /// `a and b and c` as `a and (b and c)`: two-operand nodes keep their operands in plain stored
    /// properties, which are called without reference counting.
    private static func chain(
        _ operands: ArraySlice<Node>, _ join: (any EvaluationNode, any EvaluationNode) -> any EvaluationNode
    ) -> any EvaluationNode {
        let first = node(for: operands.first!)
        guard operands.count > 1 else { return first }
        return join(first, chain(operands.dropFirst(), join))
    }

    static func lookup(_ keys: [KeyTag], in metadata: JSONObject) -> Value? {
        guard var current = metadata[keys[0]] else { return nil }
        for key in keys.dropFirst() {
            guard case .object(let members) = current, let next = members[key] else { return nil }
            current = next
        }
        return current
    }

    /// The positive test on a present field.
    static func matches(_ field: Value, _ test: FieldTest) -> Bool {
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
            if case .int(let actual) = field, case .int(let bound) = operand {
                return accepts.contains(actual < bound ? .less : (actual == bound ? .equal : .greater))
            }
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
