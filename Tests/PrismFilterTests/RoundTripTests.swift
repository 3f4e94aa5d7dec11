import Testing

@testable import PrismFilter

/// Property test: random syntax trees print to canonical text that parses back to the same tree.
@Suite("Canonical round trip")
struct RoundTripTests {
    struct Generator {
        var random: SplitMix

        mutating func expression(depth: Int) -> FilterExpression {
            let pick = depth >= 4 ? 0 : Int.random(in: 0..<6, using: &random)
            switch pick {
            case 0, 1, 2: return .predicate(predicate())
            case 3: return .not(expression(depth: depth + 1))
            case 4: return .and((0..<Int.random(in: 2...3, using: &random)).map { _ in expression(depth: depth + 1) })
            default: return .or((0..<Int.random(in: 2...3, using: &random)).map { _ in expression(depth: depth + 1) })
            }
        }

        mutating func predicate() -> FilterPredicate {
            let path =
                Int.random(in: 0..<8, using: &random) == 0
                ? FieldPath.identity
                : FieldPath((0..<Int.random(in: 1...3, using: &random)).map { _ in key() })
            switch Int.random(in: 0..<7, using: &random) {
            case 0: return FilterPredicate(path: path, op: .exists, operand: .none)
            case 1: return FilterPredicate(path: path, op: .notExists, operand: .none)
            case 2:
                return FilterPredicate(
                    path: path, op: [.in, .notIn].randomElement(using: &random)!, operand: .list(list()))
            case 3:
                let op: PredicateOperator = [.startsWith, .notEndsWith, .matches, .notContains].randomElement(
                    using: &random)!
                return FilterPredicate(
                    path: path, op: op, operand: .value(.string(op == .matches ? "^a.c$" : string())))
            case 4:
                let version = DottedVersion(["1.10.2", "2", "v3.0.1", "0.0.1"].randomElement(using: &random)!)!
                return FilterPredicate(path: path, op: .lessOrEqual, operand: .version(version))
            default:
                let op: PredicateOperator = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
                    .randomElement(using: &random)!
                return FilterPredicate(path: path, op: op, operand: .value(scalar()))
            }
        }

        mutating func key() -> String {
            ["floor", "a_b", "last-seen", "in", "NOT", "my key", "é", "x.y", "", "\"q\"", "true"].randomElement(
                using: &random)!
        }

        mutating func string() -> String {
            ["", "HQ", "a\"b", "line\nbreak", "tab\t", "\u{1}", "😀", "back\\slash", "'"].randomElement(using: &random)!
        }

        mutating func scalar() -> Value {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: return .int(Int64.random(in: -1_000_000...1_000_000, using: &random))
            case 1: return .double(Double(Int.random(in: -1000...1000, using: &random)) / 8)
            case 2: return .bool(Bool.random(using: &random))
            case 3: return .null
            case 4: return .double(1e21)
            default: return .string(string())
            }
        }

        mutating func list() -> [Value] {
            (0..<Int.random(in: 0...4, using: &random)).map { _ in scalar() }
        }
    }

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Doubles print with a `.` or exponent so that they stay doubles; compare kinds, not just numeric values.
    private func sameKinds(_ a: FilterExpression, _ b: FilterExpression) -> Bool {
        a.description == b.description
    }

    @Test("10,000 random trees survive text → tree → text → tree", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomTrees(seed: UInt64) throws {
        var generator = Generator(random: SplitMix(state: seed))
        var limits = FilterLimits.default
        limits.maxPredicates = 10_000
        for _ in 0..<2000 {
            let tree = generator.expression(depth: 0)
            let text = tree.description
            let reparsed = try Filter.parse(text, limits: limits)
            #expect(reparsed == tree, "\(text)")
            #expect(sameKinds(reparsed, tree))
            #expect(try Filter.parse(reparsed.description, limits: limits) == reparsed)
        }
    }

    @Test("map form → tree → canonical text → the same tree")
    func mapRoundTrip() throws {
        let map =
            #"{"type": "sensor", "floor.gte": 2, "$or": [{"kind.in": ["co2", 1.5]}, {"$not": {"x.exists": true}}]}"#
        let tree = try Filter.parse(map)
        #expect(try Filter.parse(tree.description) == tree)
    }
}
