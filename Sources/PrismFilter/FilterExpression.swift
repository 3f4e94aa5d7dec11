/// A parsed filter: the one syntax tree both surface forms (text and RFC-017 map) produce.
///
/// Its `description` is the canonical text form, which parses back to an equal tree.
public indirect enum FilterExpression: Hashable, Sendable {
    /// `true` or `false`; the empty filter is `.constant(true)`.
    case constant(Bool)
    case predicate(FilterPredicate)
    case not(FilterExpression)
    /// Two or more operands, all of which must hold.
    case and([FilterExpression])
    /// Two or more operands, one of which must hold.
    case or([FilterExpression])

    /// Every predicate in the tree, left to right.
    public var predicates: [FilterPredicate] {
        var found: [FilterPredicate] = []
        collectPredicates(into: &found)
        return found
    }

    private func collectPredicates(into found: inout [FilterPredicate]) {
        switch self {
        case .constant: break
        case .predicate(let predicate): found.append(predicate)
        case .not(let inner): inner.collectPredicates(into: &found)
        case .and(let operands), .or(let operands):
            for operand in operands { operand.collectPredicates(into: &found) }
        }
    }

    /// Builds an `and` node, collapsing a single operand to itself.
    static func all(_ operands: [FilterExpression]) -> FilterExpression {
        operands.count == 1 ? operands[0] : .and(operands)
    }

    /// Builds an `or` node, collapsing a single operand to itself.
    static func any(_ operands: [FilterExpression]) -> FilterExpression {
        operands.count == 1 ? operands[0] : .or(operands)
    }
}

/// One test of one field: `floor >= 2`, `kind in ["valve", "relay"]`, `note not exists`.
public struct FilterPredicate: Hashable, Sendable {
    public var path: FieldPath
    public var op: PredicateOperator
    public var operand: Operand

    public init(path: FieldPath, op: PredicateOperator, operand: Operand) {
        self.path = path
        self.op = op
        self.operand = operand
    }
}

/// Where a predicate looks: the identity's own name (`@id`) or a path into its metadata.
public struct FieldPath: Hashable, Sendable {
    /// Whether the path is `@id`, the identity's name, rather than a metadata path.
    public var isIdentity: Bool
    /// Object keys from the metadata root; empty for `@id`.
    public var segments: [String]

    public init(_ segments: [String]) {
        self.isIdentity = false
        self.segments = segments
    }

    private init(identity: Void) {
        self.isIdentity = true
        self.segments = []
    }

    /// `@id`.
    public static let identity = FieldPath(identity: ())

    /// A path written as in a filter: `battery`, `location.floor`, `["serial no"]`, `@id`.
    public init(parsing text: String) throws(FilterError) {
        self = try TextParser.parsePath(text)
    }
}

/// The comparison a predicate makes. Negated operators are exactly `not` of their positive form.
public enum PredicateOperator: String, CaseIterable, Hashable, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case `in` = "in"
    case notIn = "not in"
    case contains = "contains"
    case notContains = "not contains"
    case startsWith = "startswith"
    case notStartsWith = "not startswith"
    case endsWith = "endswith"
    case notEndsWith = "not endswith"
    case matches = "matches"
    case notMatches = "not matches"
    case exists = "exists"
    case notExists = "not exists"

    /// The operator this one negates, or itself when it is positive.
    public var positive: PredicateOperator {
        switch self {
        case .notEqual: .equal
        case .notIn: .in
        case .notContains: .contains
        case .notStartsWith: .startsWith
        case .notEndsWith: .endsWith
        case .notMatches: .matches
        case .notExists: .exists
        default: self
        }
    }

    /// Whether this is a `not`/`!=` form.
    public var isNegated: Bool { positive != self }

    /// The negated form, for operators that have one.
    public var negated: PredicateOperator? {
        switch self {
        case .equal: .notEqual
        case .in: .notIn
        case .contains: .notContains
        case .startsWith: .notStartsWith
        case .endsWith: .notEndsWith
        case .matches: .notMatches
        case .exists: .notExists
        default: nil
        }
    }

    /// Whether the operator orders its operands (`<`, `<=`, `>`, `>=`).
    public var isOrdering: Bool {
        switch self {
        case .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }
}

/// What a predicate compares its field with.
public enum Operand: Hashable, Sendable {
    /// `exists` takes none.
    case none
    /// A scalar JSON literal.
    case value(Value)
    /// A `v"1.10.2"` literal: the field is compared as a dotted version.
    case version(DottedVersion)
    /// The items of an `in` list.
    case list([Value])
}
