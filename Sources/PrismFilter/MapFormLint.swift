/// Map-form keys that are valid but probably not what their author meant: `{"battery.less": 0.1}` is the
/// nested path `battery.less` compared with `==`, because `less` is not one of the operators, so it
/// quietly matches nothing. The filter stays valid; tools show these as warnings.
public enum MapFormLint {
    public struct Warning: Sendable, Hashable, CustomStringConvertible {
        public var key: String
        /// The key as it was probably meant (`battery.lt`).
        public var suggestion: String
        public var line: Int
        public var column: Int

        public var description: String {
            let word = key.split(separator: ".").last.map(String.init) ?? key
            return "\(line):\(column): '\(word)' in key '\(key)' is not an operator, so the key is a nested path "
                + "compared with ==; did you mean '\(suggestion)'?"
        }
    }

    /// Words people write for the operators, and the operator each means.
    static let synonyms: [String: String] = [
        "less": "lt", "lessthan": "lt", "below": "lt", "greater": "gt", "greaterthan": "gt", "above": "gt",
        "le": "lte", "ge": "gte", "min": "gte", "max": "lte", "neq": "ne", "not": "ne", "notequal": "ne",
        "equal": "eq", "equals": "eq", "is": "eq", "matches": "regex", "match": "regex", "notin": "nin",
        "has": "exists", "exist": "exists", "prefix": "startswith", "suffix": "endswith", "includes": "contains",
    ]

    /// The warnings for a map-form filter; none for a text filter or one that does not parse.
    public static func warnings(_ source: String) -> [Warning] {
        guard Filter.isMapForm(source), let root = try? JSONParser.parse(source, maxDepth: 128) else { return [] }
        var found: [Warning] = []
        collect(root, into: &found)
        return found
    }

    private static func collect(_ node: JSONNode, into found: inout [Warning]) {
        switch node.kind {
        case .scalar: return
        case .array(let items): for item in items { collect(item, into: &found) }
        case .object(let members):
            for member in members {
                if member.key.hasPrefix("$") {
                    collect(member.value, into: &found)
                } else if let warning = check(member) {
                    found.append(warning)
                }
            }
        }
    }

    private static func check(_ member: JSONNode.Member) -> Warning? {
        let segments = member.key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard segments.count > 1, let last = segments.last, MapFormParser.operators[last] == nil else { return nil }
        let lowered = last.lowercased()
        let meant =
            MapFormParser.operators[lowered] != nil
            ? lowered
            : synonyms[lowered]
                ?? (lowered.count >= 4 ? closeOperator(lowered) : nil)
        guard let meant else { return nil }
        let suggestion = (segments.dropLast() + [meant]).joined(separator: ".")
        return Warning(
            key: member.key, suggestion: suggestion, line: member.keyLocation.line, column: member.keyLocation.column)
    }

    /// An operator one edit away (`gtee`, `startwith`), for words long enough that one edit is a typo.
    private static func closeOperator(_ word: String) -> String? {
        let scalars = Array(word.unicodeScalars)
        return MapFormParser.operators.keys.sorted().first {
            ClosestName.editDistance(scalars, Array($0.unicodeScalars)) == 1
        }
    }
}
