extension Value {
    /// The default nesting limit of ``init(json:maxDepth:)``.
    public static let defaultMaxJSONDepth = 100

    /// Parses JSON text into a value.
    ///
    /// Strict RFC 8259: integers stay ``int(_:)`` (doubles when they do not fit 64 bits), duplicate
    /// keys are refused, nesting is limited to `maxDepth` (the parser recurses once per level, so keep it
    /// modest; the default fits a 512 KiB task stack in a debug build).
    /// - Throws: ``FilterError`` with code ``FilterError/Code/invalidJSON`` and the line:column.
    public init(json: String, maxDepth: Int = Value.defaultMaxJSONDepth) throws(FilterError) {
        self = try JSONParser.parse(json, maxDepth: maxDepth).value
    }

    /// Compact JSON text with object keys in sorted order, so equal values print identically.
    public var jsonText: String {
        var output = ""
        writeJSON(to: &output)
        return output
    }

    /// At least `jsonText.utf8.count`, found without encoding: a size limit is checked against this
    /// first, and the text is built only when the bound is over the limit.
    public var jsonSizeBound: Int {
        switch self {
        case .null: 4
        case .bool: 5
        case .int: 20  // -9223372036854775808
        case .double: 32  // the shortest round-trip spelling is at most 24 characters, plus ".0"
        case .string(let value): Self.jsonStringSizeBound(value)
        case .array(let items): items.reduce(2 + items.count) { $0 + $1.jsonSizeBound }
        case .object(let members):
            zip(members.keys, members.values).reduce(2 + 2 * members.count) {
                $0 + Self.jsonStringSizeBound($1.0) + $1.1.jsonSizeBound
            }
        }
    }

    /// Quotes, and every byte escaped in the longest form JSON has (`\u00XX`).
    private static func jsonStringSizeBound(_ string: String) -> Int { 2 + 6 * string.utf8.count }

    private func writeJSON(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += Self.jsonSpelling(of: value)
        case .string(let value): Self.writeJSONString(value, to: &output)
        case .array(let items):
            output += "["
            for (position, item) in items.enumerated() {
                if position > 0 { output += "," }
                item.writeJSON(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (position, (key, value)) in members.enumerated() {
                if position > 0 { output += "," }
                Self.writeJSONString(key, to: &output)
                output += ":"
                value.writeJSON(to: &output)
            }
            output += "}"
        }
    }

    /// The shortest spelling that reads back as the same double, always with a `.` or exponent so it
    /// does not read back as an integer.
    static func jsonSpelling(of value: Double) -> String {
        let text = "\(value)"
        if text.contains(".") || text.contains("e") || text.contains("E") { return text }
        return text + ".0"
    }

    /// A double-quoted JSON string with the escapes JSON requires.
    static func writeJSONString(_ string: String, to output: inout String) {
        // Most strings need no escaping: append them whole instead of scalar by scalar.
        if !string.utf8.contains(where: {
            $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0x7F
        }) {
            output += "\""
            output += string
            output += "\""
            return
        }
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{8}": output += "\\b"
            case "\u{C}": output += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
