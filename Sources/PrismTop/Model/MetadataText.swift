import PrismFilter

/// Metadata as prism-top prints it: one line of `k=v` pairs for a table cell, a single field for a
/// chosen column, or indented JSON lines for the detail pane.
public enum MetadataText {
    /// `floor=2 location.building=HQ caps=["read"]`: keys dotted, strings bare, the rest as JSON.
    /// Keys in `excluded` (dotted paths) are left out, since a column of their own shows them.
    public static func pairs(_ object: JSONObject, excluding excluded: Set<String> = [], prefix: String = "") -> String
    {
        object.compactMap { key, value -> String? in
            let path = prefix + key
            if excluded.contains(path) { return nil }
            switch value {
            case .object(let nested) where !nested.isEmpty:
                let inner = pairs(nested, excluding: excluded, prefix: path + ".")
                return inner.isEmpty ? nil : inner
            default:
                return "\(path)=\(field(value))"
            }
        }.joined(separator: " ")
    }

    /// A value in a cell: strings without quotes, anything else as compact JSON.
    public static func field(_ value: Value) -> String {
        if case .string(let text) = value { return text }
        return value.jsonText
    }

    /// The value at a dotted path such as `location.building`.
    public static func value(_ object: JSONObject, at dottedPath: String) -> Value? {
        object.value(at: dottedPath.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }

    /// Every dotted path that leads to a non-object value, in key order: the names `--columns` accepts.
    public static func paths(_ object: JSONObject, prefix: String = "") -> [String] {
        object.flatMap { key, value -> [String] in
            if case .object(let nested) = value, !nested.isEmpty { return paths(nested, prefix: prefix + key + ".") }
            return [prefix + key]
        }
    }

    /// Indented JSON, keys sorted, one member per line; arrays of plain values stay on one line so a
    /// `capabilities` list does not take a screen of its own.
    public static func prettyLines(_ object: JSONObject) -> [String] {
        guard !object.isEmpty else { return ["{}"] }
        var lines = ["{"]
        append(object, indent: "  ", into: &lines)
        lines.append("}")
        return lines
    }

    private static func append(_ object: JSONObject, indent: String, into lines: inout [String]) {
        for (position, (key, value)) in object.enumerated() {
            let comma = position < object.count - 1 ? "," : ""
            let name = Value.string(key).jsonText
            if case .object(let nested) = value, !nested.isEmpty {
                lines.append("\(indent)\(name): {")
                append(nested, indent: indent + "  ", into: &lines)
                lines.append("\(indent)}\(comma)")
            } else {
                lines.append("\(indent)\(name): \(value.jsonText)\(comma)")
            }
        }
    }
}
