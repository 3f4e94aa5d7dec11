/// The syntax tree of a `matches` pattern, in the supported subset.
indirect enum RegexNode: Sendable {
    case empty
    case literal(Unicode.Scalar)
    /// `.`: any scalar but a newline.
    case anyExceptNewline
    case set(RegexCharacterSet)
    case lineStart
    case lineEnd
    case concatenation([RegexNode])
    case alternation([RegexNode])
    /// `max == nil` means unbounded.
    case repetition(RegexNode, min: Int, max: Int?)
}

/// A bracketed class (`[a-z_]`, `[^\d]`) or a class escape (`\w`).
struct RegexCharacterSet: Sendable {
    enum Item: Sendable {
        case range(Unicode.Scalar, Unicode.Scalar)
        case digit(negated: Bool)
        case word(negated: Bool)
        case space(negated: Bool)
    }

    var items: [Item]
    var negated: Bool

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var found = false
        for item in items {
            switch item {
            case .range(let low, let high): found = low <= scalar && scalar <= high
            case .digit(let negated): found = Self.isDigit(scalar) != negated
            case .word(let negated): found = Self.isWord(scalar) != negated
            case .space(let negated): found = Self.isSpace(scalar) != negated
            }
            if found { break }
        }
        return found != negated
    }

    /// `\d`, `\w`, `\s` are ASCII-only, as in RE2, so their meaning does not depend on Unicode tables.
    static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
    static func isWord(_ s: Unicode.Scalar) -> Bool {
        isDigit(s) || ("a"..."z").contains(s) || ("A"..."Z").contains(s) || s == "_"
    }
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s == "\u{B}" || s == "\u{C}"
    }
}

/// Parses a pattern into a ``RegexNode``. Errors carry the 0-based scalar offset in the pattern.
struct RegexParser {
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    /// Counted repetitions beyond this are refused: `{m,n}` expands into m to n copies.
    static let maxRepeatCount = 1000

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private(set) var caseInsensitive = false

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func fail(_ message: String, at offset: Int? = nil) -> Failure {
        Failure(offset: offset ?? index, message: message)
    }

    mutating func parse() throws(Failure) -> RegexNode {
        if scalars.starts(with: Array("(?i)".unicodeScalars)) {
            caseInsensitive = true
            index = 4
        }
        let node = try parseAlternation(depth: 0)
        if index < scalars.count {
            throw fail("unbalanced ')'")
        }
        return node
    }

    private mutating func parseAlternation(depth: Int) throws(Failure) -> RegexNode {
        guard depth < 64 else { throw fail("groups nested too deeply") }
        var branches = [try parseConcatenation(depth: depth)]
        while current == "|" {
            index += 1
            branches.append(try parseConcatenation(depth: depth))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation(depth: Int) throws(Failure) -> RegexNode {
        var items: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            let atomStart = index
            var atom = try parseAtom(depth: depth)
            if let quantifier = try parseQuantifier() {
                switch atom {
                case .lineStart, .lineEnd: throw fail("nothing to repeat", at: atomStart)
                default: break
                }
                atom = .repetition(atom, min: quantifier.min, max: quantifier.max)
                let next = index
                if try parseQuantifier() != nil {
                    throw fail("two quantifiers in a row; group the first: (a*)+", at: next)
                }
            }
            items.append(atom)
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    private struct Quantifier {
        var min: Int
        var max: Int?
    }

    /// A quantifier at the current position, if any; a trailing `?` (lazy) is accepted and ignored,
    /// since only whether a match exists matters.
    private mutating func parseQuantifier() throws(Failure) -> Quantifier? {
        guard let scalar = current else { return nil }
        let quantifier: Quantifier
        switch scalar {
        case "*": quantifier = Quantifier(min: 0, max: nil)
        case "+": quantifier = Quantifier(min: 1, max: nil)
        case "?": quantifier = Quantifier(min: 0, max: 1)
        case "{":
            guard let counted = try parseCountedQuantifier() else { return nil }
            quantifier = counted
        default: return nil
        }
        index += 1
        if current == "?" { index += 1 }
        return quantifier
    }

    /// `{m}`, `{m,}` or `{m,n}`; `nil` (and no input consumed) when `{` does not start one, so it is a literal.
    private mutating func parseCountedQuantifier() throws(Failure) -> Quantifier? {
        let start = index
        var cursor = index + 1
        func number() -> Int? {
            var value = 0
            var digits = 0
            while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]), digits < 6 {
                value = value * 10 + Int(scalars[cursor].value - 48)
                digits += 1
                cursor += 1
            }
            return digits > 0 ? value : nil
        }
        guard let min = number() else { return nil }
        var max: Int? = min
        if cursor < scalars.count, scalars[cursor] == "," {
            cursor += 1
            max = number()
        }
        guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
        if min > Self.maxRepeatCount || (max ?? 0) > Self.maxRepeatCount {
            throw fail("repetition count above \(Self.maxRepeatCount)", at: start)
        }
        if let max, max < min { throw fail("repetition {\(min),\(max)} has max below min", at: start) }
        index = cursor
        return Quantifier(min: min, max: max)
    }

    private mutating func parseAtom(depth: Int) throws(Failure) -> RegexNode {
        let scalar = scalars[index]
        switch scalar {
        case "(":
            let open = index
            index += 1
            if current == "?" {
                if index + 1 < scalars.count, scalars[index + 1] == ":" {
                    index += 2
                } else if index + 2 < scalars.count, scalars[index + 1] == "i", scalars[index + 2] == ")" {
                    throw fail("(?i) is only supported at the start of the pattern", at: open)
                } else {
                    throw fail("group syntax '(?' is not supported (lookaround, named groups, flags)", at: open)
                }
            }
            let inner = try parseAlternation(depth: depth + 1)
            guard current == ")" else { throw fail("missing ')'", at: open) }
            index += 1
            return inner
        case "*", "+", "?":
            throw fail("nothing to repeat before '\(scalar)'")
        case "{":
            if try parseCountedQuantifier() != nil { throw fail("nothing to repeat") }
            index += 1
            return .literal(scalar)
        case ".":
            index += 1
            return .anyExceptNewline
        case "^":
            index += 1
            return .lineStart
        case "$":
            index += 1
            return .lineEnd
        case "[":
            return .set(try parseBracket())
        case "\\":
            return try parseEscape()
        default:
            index += 1
            return .literal(scalar)
        }
    }

    private mutating func parseEscape() throws(Failure) -> RegexNode {
        let start = index
        index += 1
        guard let escaped = current else { throw fail("trailing '\\'", at: start) }
        index += 1
        if let item = Self.classEscape(escaped) { return .set(RegexCharacterSet(items: [item], negated: false)) }
        if let literal = Self.literalEscape(escaped) { return .literal(literal) }
        if ("1"..."9").contains(escaped) { throw fail("backreferences are not supported", at: start) }
        throw fail("unsupported escape '\\\(escaped)'", at: start)
    }

    private static func classEscape(_ scalar: Unicode.Scalar) -> RegexCharacterSet.Item? {
        switch scalar {
        case "d": .digit(negated: false)
        case "D": .digit(negated: true)
        case "w": .word(negated: false)
        case "W": .word(negated: true)
        case "s": .space(negated: false)
        case "S": .space(negated: true)
        default: nil
        }
    }

    /// Escaped punctuation stands for itself; `\n \t \r \f \v` for control characters.
    private static func literalEscape(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "n": "\n"
        case "t": "\t"
        case "r": "\r"
        case "f": "\u{C}"
        case "v": "\u{B}"
        default:
            scalar.isASCII && !RegexCharacterSet.isWord(scalar) && scalar.value > 0x20 ? scalar : nil
        }
    }

    private mutating func parseBracket() throws(Failure) -> RegexCharacterSet {
        let open = index
        index += 1
        var set = RegexCharacterSet(items: [], negated: false)
        if current == "^" {
            set.negated = true
            index += 1
        }
        if current == "]" { throw fail("empty character class", at: open) }
        while true {
            guard let scalar = current else { throw fail("missing ']'", at: open) }
            if scalar == "]" {
                index += 1
                return set
            }
            let low: Unicode.Scalar
            if scalar == "\\" {
                let escapeStart = index
                index += 1
                guard let escaped = current else { throw fail("missing ']'", at: open) }
                index += 1
                if let item = Self.classEscape(escaped) {
                    set.items.append(item)
                    continue
                }
                guard let literal = Self.literalEscape(escaped) else {
                    throw fail("unsupported escape '\\\(escaped)' in class", at: escapeStart)
                }
                low = literal
            } else {
                if scalar == "[", index + 1 < scalars.count, scalars[index + 1] == ":" {
                    throw fail("POSIX classes like [:alpha:] are not supported; use ranges")
                }
                low = scalar
                index += 1
            }
            if current == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                index += 1
                var high = scalars[index]
                if high == "\\" {
                    index += 1
                    guard let escaped = current, let literal = Self.literalEscape(escaped) else {
                        throw fail("invalid range end in class")
                    }
                    high = literal
                }
                index += 1
                guard low <= high else { throw fail("range out of order in class") }
                set.items.append(.range(low, high))
            } else {
                set.items.append(.range(low, low))
            }
        }
    }
}
