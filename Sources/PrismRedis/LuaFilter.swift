import PrismFilter

/// A filter compiled to a program for the fixed interpreter in ``RedisScripts/scan``: a prefix list of
/// tokens passed as ARGV, with every value and key a token of its own.
///
/// Why a fixed interpreter and not Lua source per filter: Redis keeps every loaded script until SCRIPT
/// FLUSH, so source per filter shape would grow its script cache without bound and cost a SCRIPT LOAD
/// and a Lua compile per new shape; and values would have to stay out of that source. With one script,
/// loaded once, the filter is data: a value such as `"]] os.exit() --` is only ever compared, never
/// parsed as Lua, and the script text is the same for every filter.
///
/// Predicates Lua cannot decide exactly the way the reference evaluator does (`matches`, numbers at or
/// beyond 2^53 in magnitude, which cjson rounds) compile to `U`, "undecided"; evaluation is three-valued,
/// so a row the program leaves undecided goes back to Swift, which decides it with the full filter.
/// ``exact`` is false when the program holds such a predicate. Rows can also be undecided when their
/// metadata defeats cjson, or a lookup misses in an object of over 127 keys (see the script).
struct LuaFilter: Equatable {
    /// The program, for ARGV after the needles.
    var program: [[UInt8]]
    /// Texts the stored metadata JSON must contain for the filter to hold (a cheap test before decoding).
    var needles: [[UInt8]]
    /// Whether the program decides every row with well-formed metadata by itself.
    var exact: Bool

    /// The largest magnitude below which an integer and its double are the same number: cjson decodes
    /// every number to a double, so only literals inside it compare exactly with any stored number.
    static let exactNumberLimit = 9_007_199_254_740_992.0

    /// The program of the filter that selects everything.
    static let everything = LuaFilter(program: [Array("T".utf8)], needles: [], exact: true)

    init(program: [[UInt8]], needles: [[UInt8]], exact: Bool) {
        self.program = program
        self.needles = needles
        self.exact = exact
    }

    /// Compiles `expression`.
    init(_ expression: FilterExpression) {
        var builder = Builder()
        builder.emit(expression)
        program = builder.tokens.map { Array($0.utf8) }
        needles = Self.requiredTexts(expression).map { Array(("\"" + $0 + "\"").utf8) }
        exact = builder.exact
    }

    private struct Builder {
        var tokens: [String] = []
        var exact = true

        mutating func emit(_ expression: FilterExpression) {
            switch expression {
            case .constant(let value):
                tokens.append(value ? "T" : "F")
            case .not(let operand):
                tokens.append("!")
                emit(operand)
            case .and(let operands), .or(let operands):
                if case .and = expression { tokens.append("&") } else { tokens.append("|") }
                tokens.append(String(operands.count))
                for operand in operands { emit(operand) }
            case .predicate(let predicate):
                guard let (test, operands) = Self.test(predicate) else {
                    exact = false
                    tokens.append("U")
                    return
                }
                guard let test else {
                    // An ordering against a boolean or null: false on every field, present or not.
                    tokens.append("F")
                    return
                }
                tokens.append(test)
                tokens.append(predicate.op.isNegated ? "1" : "0")
                if predicate.path.isIdentity {
                    tokens.append("@")
                } else {
                    tokens.append(String(predicate.path.segments.count))
                    tokens += predicate.path.segments
                }
                tokens += operands
            }
        }

        /// The positive test's name and operand tokens; `(nil, [])` for a test that is always false;
        /// `nil` when Lua cannot decide it exactly.
        static func test(_ predicate: FilterPredicate) -> (String?, [String])? {
            switch (predicate.op.positive, predicate.operand) {
            case (.exists, _):
                return ("exists", [])
            case (.equal, .version(let version)):
                return ("veq", [version.text])
            case (.equal, .value(let value)):
                return literal(value).map { ("eq", [$0]) }
            case (.in, .list(let items)):
                let literals = items.compactMap(literal)
                guard literals.count == items.count else { return nil }
                return ("in", [String(items.count)] + literals)
            case (.contains, .value(let value)):
                return literal(value).map { ("contains", [$0]) }
            case (.startsWith, .value(.string(let prefix))):
                return ("prefix", ["s" + prefix])
            case (.endsWith, .value(.string(let suffix))):
                return ("suffix", ["s" + suffix])
            case (let op, .version(let version)) where op.isOrdering:
                return ("v" + orderingName(op), [version.text])
            case (let op, .value(let bound)) where op.isOrdering:
                switch bound {
                case .string, .int, .double: return literal(bound).map { (orderingName(op), [$0]) }
                default: return (nil, [])
                }
            default:
                // `matches` needs the linear-time regex engine, which only Swift has.
                return nil
            }
        }

        static func orderingName(_ op: PredicateOperator) -> String {
            switch op {
            case .less: "lt"
            case .lessOrEqual: "le"
            case .greater: "gt"
            default: "ge"
            }
        }

        /// A scalar as one token, its type in the first byte; `nil` for a number cjson could round.
        static func literal(_ value: Value) -> String? {
            switch value {
            case .string(let text): return "s" + text
            case .bool(let flag): return flag ? "t" : "f"
            case .null: return "z"
            case .int(let integer):
                guard Double(integer).magnitude < LuaFilter.exactNumberLimit else { return nil }
                return "n" + String(integer)
            case .double(let double):
                guard double.isFinite, double.magnitude < LuaFilter.exactNumberLimit else { return nil }
                // Swift prints the shortest text that reads back as the same double; Lua's tonumber is strtod.
                return "n" + String(double)
            case .array, .object: return nil
            }
        }
    }

    /// Strings that must equal a metadata field for the whole filter to hold, and that Prism's JSON writer
    /// stores verbatim between quotes (no byte it escapes).
    static func requiredTexts(_ expression: FilterExpression) -> [String] {
        switch expression {
        case .and(let operands):
            return operands.flatMap(requiredTexts)
        case .predicate(let predicate):
            guard predicate.op == .equal, !predicate.path.isIdentity,
                case .value(.string(let text)) = predicate.operand,
                !text.utf8.contains(where: {
                    $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0x7F
                })
            else { return [] }
            return [text]
        default:
            return []
        }
    }
}
