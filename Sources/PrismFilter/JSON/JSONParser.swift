/// A strict JSON (RFC 8259) parser over UTF-8 bytes.
///
/// Written here rather than using Foundation's because the filter language needs what that one
/// blurs: integers kept apart from floats (`1` vs `1.0`), booleans apart from numbers, duplicate keys
/// refused, a nesting limit, and line:column in every error.
struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private let maxDepth: Int

    init(_ text: String, maxDepth: Int) {
        bytes = Array(text.utf8)
        self.maxDepth = maxDepth
    }

    /// Parses one JSON document that must span the whole input.
    static func parse(_ text: String, maxDepth: Int) throws(FilterError) -> JSONNode {
        var parser = JSONParser(text, maxDepth: maxDepth)
        parser.skipWhitespace()
        let node = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index < parser.bytes.count {
            throw parser.error("unexpected text after the JSON value")
        }
        return node
    }

    /// Where ``here()`` last counted columns up to, so each byte is counted once (a long single-line
    /// document would otherwise cost O(n²)).
    private var countedIndex = 0
    private var countedColumn = 1
    private var countedLineStart = 0

    /// The location of the current byte, counting columns incrementally (for every node).
    private mutating func here() -> SourceLocation {
        if countedLineStart != lineStart || countedIndex > index {
            countedLineStart = lineStart
            countedIndex = lineStart
            countedColumn = 1
        }
        while countedIndex < index {
            if bytes[countedIndex] & 0xC0 != 0x80 { countedColumn += 1 }
            countedIndex += 1
        }
        return SourceLocation(line: line, column: countedColumn)
    }

    /// The location of the current byte, with columns counted in scalars (for errors).
    private var location: SourceLocation {
        var column = 1
        var cursor = lineStart
        while cursor < index {
            // Continuation bytes do not start a scalar.
            if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
            cursor += 1
        }
        return SourceLocation(line: line, column: column)
    }

    private func error(_ message: String, at location: SourceLocation? = nil) -> FilterError {
        FilterError(.invalidJSON, "invalid JSON: \(message)", at: location ?? self.location)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(FilterError) -> JSONNode {
        let start = here()
        guard let byte = current else { throw error("expected a value, found end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1, start: start)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1, start: start)
        case UInt8(ascii: "\""): return JSONNode(kind: .scalar(.string(try parseString())), location: start)
        case UInt8(ascii: "t"): try expectWord("true"); return JSONNode(kind: .scalar(.bool(true)), location: start)
        case UInt8(ascii: "f"): try expectWord("false"); return JSONNode(kind: .scalar(.bool(false)), location: start)
        case UInt8(ascii: "n"): try expectWord("null"); return JSONNode(kind: .scalar(.null), location: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(kind: .scalar(try parseNumber()), location: start)
        default:
            throw error("expected a value, found '\(Unicode.Scalar(byte))'")
        }
    }

    private mutating func expectWord(_ word: String) throws(FilterError) {
        let start = location
        for expected in word.utf8 {
            guard current == expected else { throw error("expected '\(word)'", at: start) }
            index += 1
        }
    }

    private mutating func parseObject(depth: Int, start: SourceLocation) throws(FilterError) -> JSONNode {
        guard depth <= maxDepth else { throw error("nesting too deep: more than \(maxDepth) levels") }
        index += 1
        var members: [JSONNode.Member] = []
        var seen: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return JSONNode(kind: .object(members), location: start)
        }
        while true {
            skipWhitespace()
            let keyLocation = here()
            guard current == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let key = try parseString()
            guard seen.insert(key).inserted else { throw error("duplicate key \"\(key)\"", at: keyLocation) }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(JSONNode.Member(key: key, keyLocation: keyLocation, value: value))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return JSONNode(kind: .object(members), location: start)
            default: throw error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int, start: SourceLocation) throws(FilterError) -> JSONNode {
        guard depth <= maxDepth else { throw error("nesting too deep: more than \(maxDepth) levels") }
        index += 1
        var items: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return JSONNode(kind: .array(items), location: start)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return JSONNode(kind: .array(items), location: start)
            default: throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseString() throws(FilterError) -> String {
        // Fast path: no escapes before the closing quote, so the string is a slice of the input.
        var end = index + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20
        {
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            guard let string = String(validating: bytes[(index + 1)..<end], as: UTF8.self) else {
                throw error("string is not valid UTF-8")
            }
            index = end + 1
            return string
        }
        let start = location
        index += 1
        var result: [UInt8] = []
        while true {
            guard let byte = current else { throw error("unterminated string", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: result, as: UTF8.self) else {
                    throw error("string is not valid UTF-8", at: start)
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                try parseEscape(into: &result)
            case 0..<0x20:
                throw error("control character in string; escape it")
            default:
                result.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(into result: inout [UInt8]) throws(FilterError) {
        guard let byte = current else { throw error("unterminated escape") }
        index += 1
        let simple: UInt8? =
            switch byte {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case UInt8(ascii: "/"): UInt8(ascii: "/")
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            result.append(simple)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw error("invalid escape '\\\(Unicode.Scalar(byte))'") }
        var code = try parseHex4()
        if (0xD800...0xDBFF).contains(code) {
            guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate in \\u escape")
            }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw error("unpaired surrogate in \\u escape") }
        result.append(contentsOf: UTF8.encode(scalar)!)
    }

    private mutating func parseHex4() throws(FilterError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw error("expected 4 hex digits after \\u") }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw error("expected 4 hex digits after \\u")
            }
            code = code * 16 + digit
            index += 1
        }
        return code
    }

    private mutating func parseNumber() throws(FilterError) -> Value {
        let start = index
        let startLocation = location
        var isInteger = true
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 48 && $0 <= 57 } ?? false }
        if current == UInt8(ascii: "-") { index += 1 }
        guard isDigit(current) else { throw error("invalid number") }
        if current == UInt8(ascii: "0"), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            throw error("invalid number: leading zeros are not allowed")
        }
        while isDigit(current) { index += 1 }
        if current == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard isDigit(current) else { throw error("invalid number: expected digits after '.'") }
            while isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard isDigit(current) else { throw error("invalid number: expected digits in the exponent") }
            while isDigit(current) { index += 1 }
        }
        let spelling = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int64(spelling) { return .int(integer) }
        guard let double = Double(spelling), double.isFinite else {
            throw error("number out of range: \(spelling)", at: startLocation)
        }
        return .double(double)
    }
}
