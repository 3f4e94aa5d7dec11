import PrismFilter
import PrismRegistry
import Testing

/// Runs random filters over random metadata through a slot and through the reference evaluator
/// (``Filter/matches(_:identity:)``): the answers must be identical, whatever the slot pushes down.
enum DifferentialCheck {
    static let identityCount = 300
    static let filterCount = 300

    @Sendable static func run(_ slot: any RegistrySlot) async throws {
        var random = SplitMix64(seed: 0x5EED)
        var identities: [Identity] = []
        for index in 0..<identityCount {
            let identity = RegistrySlotConformance.identity(
                "dev-\(index)", RandomMetadata.object(using: &random))
            identities.append(identity)
            _ = try await slot.register(identity, replace: false, now: RegistrySlotConformance.start)
        }
        var generator = RandomFilters(random: random)
        var mismatches = 0
        for _ in 0..<filterCount {
            let expression = generator.expression(depth: 0)
            let filter = try Filter(expression: expression)
            let expected = identities.filter { filter.matches($0.metadata, identity: $0.name) }.map(\.name).sorted()
            let page = try await slot.enumerate(
                EnumerationQuery(filter: filter, limit: identityCount + 1), now: RegistrySlotConformance.start)
            let enumerated = page.identities.map(\.name)
            let targeted = try await slot.targets(matching: filter, limit: nil, now: RegistrySlotConformance.start)
                .sorted()
            if enumerated != expected || targeted != expected || page.totalCount != expected.count {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record(
                        """
                        filter \(filter) selects \(expected.count) identities by the reference evaluator, \
                        but enumerate gave \(enumerated.count) (total \(page.totalCount)) and targets \(targeted.count); \
                        first differences: \(Set(expected).symmetricDifference(enumerated).sorted().prefix(5))
                        """)
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(filterCount) random filters disagreed")
    }
}

/// Metadata over a small vocabulary of keys, each sometimes absent, null or of a surprising type, so
/// random filters hit every branch of the semantics.
enum RandomMetadata {
    static let strings: [Value] = ["sensor", "actuator", "HQ", "B2", "", "a'b", "Ünï", "sensor ", "1", "true"]
    static let numbers: [Value] = [0, 1, 2, -1, 1.0, 1.5, 2.5, 100, 9_007_199_254_740_993, 0.2]
    static let versions: [Value] = ["1.9", "1.10.0", "2.0", "v2.0.1", "1.2.3-rc1", "abc"]

    static func scalar(using random: inout SplitMix64) -> Value {
        switch Int.random(in: 0..<10, using: &random) {
        case 0...3: return strings.randomElement(using: &random)!
        case 4...6: return numbers.randomElement(using: &random)!
        case 7: return .bool(Bool.random(using: &random))
        case 8: return .null
        default: return versions.randomElement(using: &random)!
        }
    }

    static func object(using random: inout SplitMix64) -> JSONObject {
        var metadata = JSONObject()
        for key in RandomFilters.keys where Int.random(in: 0..<5, using: &random) > 0 {
            switch Int.random(in: 0..<8, using: &random) {
            case 0:
                metadata[key] = .array((0..<Int.random(in: 0...3, using: &random)).map { _ in scalar(using: &random) })
            case 1: metadata[key] = .object(["b": scalar(using: &random), "f": scalar(using: &random)])
            default: metadata[key] = scalar(using: &random)
            }
        }
        return metadata
    }
}

/// Random filter trees over ``RandomMetadata``'s vocabulary.
struct RandomFilters {
    static let keys = ["type", "floor", "battery", "fw", "tags", "loc", "note"]
    var random: SplitMix64

    mutating func expression(depth: Int) -> FilterExpression {
        switch depth >= 3 ? 0 : Int.random(in: 0..<6, using: &random) {
        case 0, 1, 2: return .predicate(predicate())
        case 3: return .not(expression(depth: depth + 1))
        case 4: return .and((0..<Int.random(in: 2...3, using: &random)).map { _ in expression(depth: depth + 1) })
        default: return .or((0..<Int.random(in: 2...3, using: &random)).map { _ in expression(depth: depth + 1) })
        }
    }

    mutating func predicate() -> FilterPredicate {
        let key = Self.keys.randomElement(using: &random)!
        let path: FieldPath
        switch Int.random(in: 0..<10, using: &random) {
        case 0: path = .identity
        case 1: path = FieldPath([key, ["b", "f", "x"].randomElement(using: &random)!])
        case 2: path = FieldPath(["missing"])
        default: path = FieldPath([key])
        }
        let ops = PredicateOperator.allCases
        let op = ops.randomElement(using: &random)!
        switch op.positive {
        case .exists: return FilterPredicate(path: path, op: op, operand: .none)
        case .in:
            return FilterPredicate(
                path: path, op: op,
                operand: .list(
                    (0..<Int.random(in: 0...4, using: &random)).map { _ in RandomMetadata.scalar(using: &random) }))
        case .startsWith, .endsWith:
            let text = ["s", "sen", "", "HQ", "r", "1", "dev-1"].randomElement(using: &random)!
            return FilterPredicate(path: path, op: op, operand: .value(.string(text)))
        case .matches:
            let pattern = ["^s", "or$", "(?i)hq", "^dev-1\\d$", "\\d", "^$", "a|b"].randomElement(using: &random)!
            return FilterPredicate(path: path, op: op, operand: .value(.string(pattern)))
        case .contains:
            return FilterPredicate(path: path, op: op, operand: .value(RandomMetadata.scalar(using: &random)))
        default:
            if Int.random(in: 0..<4, using: &random) == 0, op != .notEqual || Bool.random(using: &random) {
                let version = DottedVersion(["1.10", "2", "1.9.9", "v2.0.1"].randomElement(using: &random)!)!
                return FilterPredicate(path: path, op: op, operand: .version(version))
            }
            return FilterPredicate(path: path, op: op, operand: .value(RandomMetadata.scalar(using: &random)))
        }
    }
}
