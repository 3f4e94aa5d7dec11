/// Splits the text form into tokens on demand, so an error is reported where it first occurs.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    /// The source's UTF-8, for building token strings as one slice rather than scalar by scalar.
    private let bytes: [UInt8]
    private var index = 0
    /// The UTF-8 offset of `scalars[index]`.
    private var byteIndex = 0
    private var line = 1
    private var column = 1

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
        bytes = Array(source.utf8)
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }
    private var location: SourceLocation { SourceLocation(line: line, column: column) }

    private mutating func advance() {
        byteIndex += UTF8.width(scalars[index])
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    mutating func next() throws(FilterError) -> Token {
        while let scalar = current, Self.isBlank(scalar) { advance() }
        let start = location
        guard let scalar = current else { return Token(kind: .end, location: start) }

        func token(_ kind: Token.Kind, length: Int) -> Token {
            for _ in 0..<length { advance() }
            return Token(kind: kind, location: start)
        }

        switch scalar {
        case "(": return token(.leftParen, length: 1)
        case ")": return token(.rightParen, length: 1)
        case "[": return token(.leftBracket, length: 1)
        case "]": return token(.rightBracket, length: 1)
        case ",": return token(.comma, length: 1)
        case ".": return token(.dot, length: 1)
        case "=":
            if peek(1) == "=" { return token(.equal, length: 2) }
            throw FilterError(.syntax, "unexpected '='; did you mean '=='?", at: start, expected: "'=='")
        case "!": return peek(1) == "=" ? token(.notEqual, length: 2) : token(.bang, length: 1)
        case "<": return peek(1) == "=" ? token(.lessOrEqual, length: 2) : token(.less, length: 1)
        case ">": return peek(1) == "=" ? token(.greaterOrEqual, length: 2) : token(.greater, length: 1)
        case "&":
            if peek(1) == "&" { return token(.ampersands, length: 2) }
            throw FilterError(.syntax, "unexpected '&'; did you mean '&&'?", at: start, expected: "'&&'")
        case "|":
            if peek(1) == "|" { return token(.bars, length: 2) }
            throw FilterError(.syntax, "unexpected '|'; did you mean '||'?", at: start, expected: "'||'")
        case "\"", "'":
            let value = try lexString()
            return Token(kind: .string(value), location: start)
        case "@":
            advance()
            var word = ""
            while let next = current, Self.isIdentifierContinue(next) {
                word.unicodeScalars.append(next)
                advance()
            }
            guard word == "id" else {
                throw FilterError(.syntax, "unknown '@\(word)'; the only '@' name is '@id'", at: start)
            }
            return Token(kind: .identity, location: start)
        case "-", "0"..."9":
            let value = try lexNumber()
            return Token(kind: .number(value), location: start)
        default:
            guard Self.isIdentifierStart(scalar) else {
                throw FilterError(.syntax, "unexpected character '\(scalar.escaped(asASCII: false))'", at: start)
            }
            let wordStart = byteIndex
            while let next = current, Self.isIdentifierContinue(next) { advance() }
            let word = text(fromByte: wordStart)
            if word == "v" || word == "V", current == "\"" || current == "'" {
                let version = try lexString()
                return Token(kind: .version(version), location: start)
            }
            return Token(kind: .word(word), location: start)
        }
    }

    /// The source text from the UTF-8 offset `start` to the current position.
    private func text(fromByte start: Int) -> String {
        String(decoding: bytes[start..<byteIndex], as: UTF8.self)
    }

    /// Space, tab, carriage return and newline; other Unicode spaces are not part of the grammar.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    static func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }

    /// A quoted string with JSON escapes; `\'` is also accepted.
    private mutating func lexString() throws(FilterError) -> String {
        let start = location
        let quote = scalars[index]
        advance()
        // Most strings have no escapes: find the closing quote and take the slice at once.
        var end = index
        while end < scalars.count, scalars[end] != quote, scalars[end] != "\\", scalars[end] != "\n",
            scalars[end].value >= 0x20
        {
            end += 1
        }
        if end < scalars.count, scalars[end] == quote {
            let contentStart = byteIndex
            while index < end { advance() }
            let value = text(fromByte: contentStart)
            advance()
            return value
        }
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = current, scalar != "\n" else {
                throw FilterError(.syntax, "unterminated string", at: start, expected: "a closing \(quote)")
            }
            if scalar == quote {
                advance()
                return String(value)
            }
            if scalar == "\\" {
                let escapeLocation = location
                advance()
                guard let escaped = current else {
                    throw FilterError(.syntax, "unterminated string", at: start, expected: "a closing \(quote)")
                }
                switch escaped {
                case "\"", "\\", "/", "'": value.append(escaped)
                case "b": value.append("\u{8}")
                case "f": value.append("\u{C}")
                case "n": value.append("\n")
                case "r": value.append("\r")
                case "t": value.append("\t")
                case "u":
                    advance()
                    value.append(try lexUnicodeEscape(at: escapeLocation))
                    continue
                default:
                    throw FilterError(
                        .syntax, "invalid escape '\\\(escaped)' in string", at: escapeLocation,
                        expected: "one of \\\" \\' \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
                }
                advance()
                continue
            }
            if scalar.value < 0x20 {
                throw FilterError(.syntax, "control character in string; escape it", at: location)
            }
            value.append(scalar)
            advance()
        }
    }

    /// Reads `XXXX` (after `\u`), combining a UTF-16 surrogate pair when one follows.
    private mutating func lexUnicodeEscape(at escapeLocation: SourceLocation) throws(FilterError) -> Unicode.Scalar {
        let high = try lexHex4(at: escapeLocation)
        if (0xD800...0xDBFF).contains(high) {
            guard current == "\\", peek(1) == "u" else {
                throw FilterError(.syntax, "unpaired surrogate in \\u escape", at: escapeLocation)
            }
            advance()
            advance()
            let low = try lexHex4(at: escapeLocation)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw FilterError(.syntax, "unpaired surrogate in \\u escape", at: escapeLocation)
            }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw FilterError(.syntax, "unpaired surrogate in \\u escape", at: escapeLocation)
        }
        return scalar
    }

    private mutating func lexHex4(at escapeLocation: SourceLocation) throws(FilterError) -> UInt32 {
        var result: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = current, let digit = scalar.hexDigitValue else {
                throw FilterError(.syntax, "invalid \\u escape: expected 4 hex digits", at: escapeLocation)
            }
            result = result * 16 + UInt32(digit)
            advance()
        }
        return result
    }

    /// A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private mutating func lexNumber() throws(FilterError) -> Value {
        let start = location
        let startByte = byteIndex
        var isInteger = true
        func digits() -> Int {
            var count = 0
            while let scalar = current, ("0"..."9").contains(scalar) {
                advance()
                count += 1
            }
            return count
        }
        if current == "-" { advance() }
        guard let first = current, ("0"..."9").contains(first) else {
            throw FilterError(.syntax, "invalid number: expected a digit after '-'", at: start)
        }
        if first == "0", let second = peek(1), ("0"..."9").contains(second) {
            throw FilterError(.syntax, "invalid number: leading zeros are not allowed", at: start)
        }
        _ = digits()
        if current == ".", let after = peek(1), ("0"..."9").contains(after) {
            isInteger = false
            advance()
            _ = digits()
        }
        if current == "e" || current == "E" {
            isInteger = false
            advance()
            if current == "+" || current == "-" { advance() }
            guard digits() > 0 else {
                throw FilterError(.syntax, "invalid number: expected digits in the exponent", at: start)
            }
        }
        if let next = current, Self.isIdentifierContinue(next) || next == "." {
            throw FilterError(.syntax, "invalid number '\(text(fromByte: startByte))\(next)'", at: start)
        }
        let spelling = text(fromByte: startByte)
        if isInteger, let integer = Int64(spelling) { return .int(integer) }
        guard let double = Double(spelling), double.isFinite else {
            throw FilterError(.syntax, "number out of range: \(spelling)", at: start)
        }
        return .double(double)
    }
}

extension Unicode.Scalar {
    fileprivate var hexDigitValue: Int? {
        switch self {
        case "0"..."9": Int(value - 48)
        case "a"..."f": Int(value - 97 + 10)
        case "A"..."F": Int(value - 65 + 10)
        default: nil
        }
    }
}
