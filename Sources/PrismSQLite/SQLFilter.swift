import PrismFilter

/// A filter compiled to a SQL condition over the `identities` table, with bound parameters only: no
/// value or key from a filter is ever spliced into the SQL text, so a filter cannot inject SQL.
///
/// Predicates SQL cannot decide exactly the way the reference evaluator does (`matches`, version
/// comparisons, keys SQLite's JSON paths cannot name) become `1`; the condition is then a superset
/// and ``exact`` is false, and the caller tests every row it returns with the full filter. Either way
/// the answer is the reference evaluator's.
struct SQLFilter {
    /// A condition that is always 0 or 1, never NULL.
    var sql: String
    var parameters: [SQLiteValue]
    /// Whether `sql` alone decides the filter.
    var exact: Bool

    /// Compiles `expression`; parameters are numbered from `firstParameter` (`?N`).
    static func compile(_ expression: FilterExpression, firstParameter: Int) -> SQLFilter {
        var builder = Builder(nextIndex: firstParameter)
        let (sql, exact) = builder.condition(expression)
        return SQLFilter(sql: sql, parameters: builder.parameters, exact: exact)
    }

    private struct Builder {
        var nextIndex: Int
        var parameters: [SQLiteValue] = []

        /// A placeholder for `value`, reusing the number of an equal earlier one.
        mutating func bind(_ value: SQLiteValue) -> String {
            if let existing = parameters.firstIndex(of: value) { return "?\(nextIndex - parameters.count + existing)" }
            parameters.append(value)
            nextIndex += 1
            return "?\(nextIndex - 1)"
        }

        mutating func condition(_ expression: FilterExpression) -> (String, Bool) {
            switch expression {
            case .constant(let value):
                return (value ? "1" : "0", true)
            case .not(let operand):
                let mark = (nextIndex, parameters.count)
                let (inner, exact) = condition(operand)
                // NOT of a superset is not a superset: an inexact operand makes the whole NOT undecided,
                // and what it bound goes unnamed.
                guard exact else {
                    rollback(to: mark)
                    return ("1", false)
                }
                return ("(NOT \(inner))", true)
            case .and(let operands):
                let parts = operands.map { condition($0) }
                return ("(" + parts.map(\.0).joined(separator: " AND ") + ")", parts.allSatisfy(\.1))
            case .or(let operands):
                let parts = operands.map { condition($0) }
                return ("(" + parts.map(\.0).joined(separator: " OR ") + ")", parts.allSatisfy(\.1))
            case .predicate(let predicate):
                let mark = (nextIndex, parameters.count)
                let positive = positiveCondition(predicate)
                // A predicate undecidable in SQL, or always false, names none of what it bound.
                guard let positive, positive != "0" else {
                    rollback(to: mark)
                    if positive == nil { return ("1", false) }
                    return (predicate.op.isNegated ? "1" : "0", true)
                }
                let wrapped = "(CASE WHEN \(positive) THEN 1 ELSE 0 END)"
                return (predicate.op.isNegated ? "(NOT \(wrapped))" : wrapped, true)
            }
        }

        /// Forgets the values bound since `mark`: SQLite refuses parameters above the highest one the SQL
        /// names, so a discarded fragment must not leave any behind.
        mutating func rollback(to mark: (Int, Int)) {
            nextIndex = mark.0
            parameters.removeLast(parameters.count - mark.1)
        }

        /// The field's JSON type and value as SQL, or `nil` when SQLite cannot address the path.
        mutating func field(_ path: FieldPath) -> (type: String, value: String, jsonPath: String?)? {
            if path.isIdentity { return ("'text'", "name", nil) }
            guard !path.segments.contains(where: { $0.contains("\"") }) else { return nil }
            let jsonPath = "$" + path.segments.map { ".\"" + $0 + "\"" }.joined()
            let placeholder = bind(.text(jsonPath))
            return ("json_type(metadata, \(placeholder))", "json_extract(metadata, \(placeholder))", placeholder)
        }

        /// The positive form's condition (true exactly when the reference evaluator says so), or `nil`.
        mutating func positiveCondition(_ predicate: FilterPredicate) -> String? {
            guard let field = field(predicate.path) else { return nil }
            switch (predicate.op.positive, predicate.operand) {
            case (.exists, _):
                return "\(field.type) IS NOT NULL"
            case (.equal, .value(let value)):
                return scalarMatch(value, type: field.type, value: field.value)
            case (.in, .list(let items)):
                let scalar =
                    items.isEmpty
                    ? "0"
                    : items.map { scalarMatch($0, type: field.type, value: field.value) }
                        .joined(separator: " OR ")
                guard let jsonPath = field.jsonPath else { return "(\(scalar))" }
                let elements = items.isEmpty ? "0" : items.map { elementMatch($0) }.joined(separator: " OR ")
                return
                    "(CASE WHEN \(field.type) = 'array' THEN EXISTS (SELECT 1 FROM json_each(metadata, \(jsonPath)) AS e "
                    + "WHERE \(elements)) ELSE (\(scalar)) END)"
            case (.contains, .value(let operand)):
                var parts: [String] = []
                if case .string(let needle) = operand {
                    parts.append("(instr(\(field.value), \(bind(.text(needle)))) > 0 AND \(field.type) = 'text')")
                }
                if let jsonPath = field.jsonPath {
                    parts.append(
                        "(\(field.type) = 'array' AND EXISTS (SELECT 1 FROM json_each(metadata, \(jsonPath)) AS e "
                            + "WHERE \(elementMatch(operand))))")
                }
                return parts.isEmpty ? "0" : "(" + parts.joined(separator: " OR ") + ")"
            case (.startsWith, .value(.string(let prefix))):
                let placeholder = bind(.text(prefix))
                return "(substr(\(field.value), 1, length(\(placeholder))) = \(placeholder) AND \(field.type) = 'text')"
            case (.endsWith, .value(.string(let suffix))):
                let placeholder = bind(.text(suffix))
                return "(\(field.type) = 'text' AND (length(\(placeholder)) = 0 "
                    + "OR substr(\(field.value), -length(\(placeholder))) = \(placeholder)))"
            case (let op, .value(let bound)) where op.isOrdering:
                let comparison: String =
                    switch op {
                    case .less: "<"
                    case .lessOrEqual: "<="
                    case .greater: ">"
                    default: ">="
                    }
                switch bound {
                case .string(let text):
                    return "(\(field.value) \(comparison) \(bind(.text(text))) AND \(field.type) = 'text')"
                case .int, .double:
                    return
                        "(\(field.value) \(comparison) \(bind(number(bound))) AND \(field.type) IN ('integer', 'real'))"
                default:
                    return "0"
                }
            default:
                // `matches` (the linear-time regex) and version literals: decided in Swift.
                return nil
            }
        }

        func number(_ value: Value) -> SQLiteValue {
            switch value {
            case .int(let integer): .integer(integer)
            case .double(let double): .real(double)
            default: .null
            }
        }

        /// Whether a field of SQL type `type` and value `value` equals the scalar `expected`. The value test
        /// comes first: it fails for most rows, and SQLite then skips the type test, parsing the JSON once.
        mutating func scalarMatch(_ expected: Value, type: String, value: String) -> String {
            switch expected {
            case .string(let text): return "(\(value) = \(bind(.text(text))) AND \(type) = 'text')"
            case .int, .double: return "(\(value) = \(bind(number(expected))) AND \(type) IN ('integer', 'real'))"
            case .bool(let flag): return "(\(type) = '\(flag ? "true" : "false")')"
            case .null: return "(\(type) = 'null')"
            case .array, .object: return "0"
            }
        }

        /// The same test on a `json_each` row `e`.
        mutating func elementMatch(_ expected: Value) -> String {
            scalarMatch(expected, type: "e.type", value: "e.value")
        }
    }
}
