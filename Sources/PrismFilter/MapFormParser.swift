/// Parses the RFC-017 JSON map form into the same ``FilterExpression`` the text form produces.
///
/// ```
/// {"type": "sensor", "floor.gte": 2, "$or": [{"kind": "co2"}, {"battery.lt": 0.2}]}
/// ```
/// Keys are ANDed in document order. The last dot-segment of a key is an operator only when it is
/// one of ``operators``; otherwise the whole key is a nested path.
struct MapFormParser {
    static let operators: [String: PredicateOperator] = [
        "eq": .equal, "ne": .notEqual, "lt": .less, "lte": .lessOrEqual, "gt": .greater, "gte": .greaterOrEqual,
        "startswith": .startsWith, "endswith": .endsWith, "contains": .contains, "regex": .matches, "in": .in,
        "nin": .notIn, "exists": .exists,
    ]

    private let limits: FilterLimits
    private var predicateCount = 0
    /// Patterns compiled while validating, handed to the compiler so none is compiled twice.
    private var regexes: [String: LinearRegex] = [:]

    static func parse(_ source: String, limits: FilterLimits) throws(FilterError) -> ParsedFilter {
        let size = source.utf8.count
        if size > limits.maxMapBytes {
            throw FilterError(
                .limitExceeded, "filter too long: \(size) bytes, the limit is \(limits.maxMapBytes)", at: .start)
        }
        // Each map-form level is one JSON object and, for $and/$or, one array: twice the filter depth.
        let root = try JSONParser.parse(source, maxDepth: 2 * limits.effectiveMaxDepth + 2)
        var parser = MapFormParser(limits: limits)
        let expression = try parser.parseObject(root, depth: 0)
        return ParsedFilter(expression: expression, regexes: parser.regexes)
    }

    private init(limits: FilterLimits) { self.limits = limits }

    private func fail(_ message: String, at location: SourceLocation) -> FilterError {
        FilterError(.invalidMapForm, message, at: location)
    }

    private mutating func parseObject(_ node: JSONNode, depth: Int) throws(FilterError) -> FilterExpression {
        guard case .object(let members) = node.kind else {
            throw fail("expected an object, found \(node.value.typeName)", at: node.location)
        }
        if depth > limits.effectiveMaxDepth {
            throw FilterError(
                .limitExceeded, "nesting too deep: more than \(limits.effectiveMaxDepth) levels", at: node.location)
        }
        var operands: [FilterExpression] = []
        for member in members {
            operands.append(try parseMember(member, depth: depth))
        }
        return operands.isEmpty ? .constant(true) : .all(operands)
    }

    private mutating func parseMember(_ member: JSONNode.Member, depth: Int) throws(FilterError) -> FilterExpression {
        let key = member.key
        if key.hasPrefix("$") {
            switch key {
            case "$and", "$or":
                guard case .array(let items) = member.value.kind, !items.isEmpty else {
                    throw fail("\(key) takes a non-empty array of objects", at: member.value.location)
                }
                if depth + 1 > limits.effectiveMaxDepth {
                    throw FilterError(
                        .limitExceeded, "nesting too deep: more than \(limits.effectiveMaxDepth) levels",
                        at: member.keyLocation)
                }
                var operands: [FilterExpression] = []
                for item in items {
                    guard case .object = item.kind else {
                        throw fail("\(key) takes a non-empty array of objects", at: item.location)
                    }
                    operands.append(try parseObject(item, depth: depth + 1))
                }
                return key == "$and" ? .all(operands) : .any(operands)
            case "$not":
                guard case .object = member.value.kind else {
                    throw fail("$not takes an object", at: member.value.location)
                }
                return .not(try parseObject(member.value, depth: depth + 1))
            default:
                let hint =
                    ClosestName.find(key, among: ["$and", "$or", "$not"]).map { "; did you mean '\($0)'?" } ?? ""
                throw fail(
                    "unknown key '\(key)'; only $and, $or and $not start with '$'\(hint)", at: member.keyLocation)
            }
        }
        try countPredicate(at: member.keyLocation)
        let (path, named) = try Self.splitKey(key, at: member.keyLocation)
        let operand = try operand(for: named, member)
        var op = named ?? .equal
        if named == nil, operand == .none { op = .exists }
        if named == .exists, case .scalar(.bool(false)) = member.value.kind { op = .notExists }
        return .predicate(FilterPredicate(path: path, op: op, operand: operand))
    }

    private mutating func countPredicate(at location: SourceLocation) throws(FilterError) {
        predicateCount += 1
        if predicateCount > limits.maxPredicates {
            throw FilterError(.limitExceeded, "too many predicates: more than \(limits.maxPredicates)", at: location)
        }
    }

    /// `"a.b.gte"` → (a.b, >=); `"a.b"` → (a.b, nil); `"@id"` → the identity.
    private static func splitKey(_ key: String, at location: SourceLocation) throws(FilterError) -> (
        FieldPath, PredicateOperator?
    ) {
        var segments = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var op: PredicateOperator?
        if segments.count > 1, let last = segments.last, let named = operators[last] {
            op = named
            segments.removeLast()
        }
        if segments.contains(where: \.isEmpty) {
            throw FilterError(.invalidMapForm, "empty path segment in key '\(key)'", at: location)
        }
        if segments == ["@id"] { return (.identity, op) }
        return (FieldPath(segments), op)
    }

    private mutating func operand(for op: PredicateOperator?, _ member: JSONNode.Member) throws(FilterError) -> Operand
    {
        let node = member.value
        let value = node.value
        let name = op.map { named in Self.operators.first(where: { $0.value == named })!.key } ?? "a key"
        switch op {
        case nil:
            if value == .string("*") { return .none }
            guard value.isScalar else {
                throw fail(
                    "the value of \(name) must be a string, number, boolean or null, not \(value.typeName); "
                        + "use dotted keys for nested fields", at: node.location)
            }
            return .value(value)
        case .exists?:
            guard case .bool = value else { throw fail("'exists' takes true or false", at: node.location) }
            return .none
        case .in?, .notIn?:
            guard case .array(let items) = value else {
                throw fail("'\(name)' takes an array of values", at: node.location)
            }
            if items.count > limits.maxListItems {
                throw FilterError(
                    .limitExceeded, "list too long: more than \(limits.maxListItems) items", at: node.location)
            }
            guard items.allSatisfy(\.isScalar) else {
                throw fail("'\(name)' takes an array of strings, numbers, booleans or null", at: node.location)
            }
            return .list(items)
        case .startsWith?, .endsWith?, .matches?:
            guard case .string(let text) = value else {
                throw FilterError(
                    .invalidValue, "'\(name)' expects a string, found a \(value.typeName)", at: node.location)
            }
            if op == .matches, regexes[text] == nil {
                regexes[text] = try RegexCompiler.compile(text, limits: limits, at: node.location)
            }
            return .value(value)
        default:
            guard value.isScalar else {
                throw fail(
                    "'\(name)' takes a string, number, boolean or null, not \(value.typeName)", at: node.location)
            }
            return .value(value)
        }
    }
}
