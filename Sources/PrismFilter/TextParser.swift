/// Recursive-descent parser for the text form (grammar in the README and DESIGN §2).
///
/// Recursion is bounded by ``FilterLimits/maxDepth`` (never above ``FilterLimits/hardMaxDepth``),
/// checked before each descent, so no input can overflow the stack.
struct TextParser {
    private var lexer: Lexer
    private var token: Token
    private let limits: FilterLimits
    private var depth = 0
    private var predicateCount = 0
    /// Patterns compiled while validating, handed to the compiler so none is compiled twice.
    private(set) var regexes: [String: LinearRegex] = [:]

    static let keywords: Set<String> = [
        "and", "or", "not", "in", "contains", "startswith", "endswith", "matches", "exists", "true", "false", "null",
    ]
    static let operatorWords = ["in", "contains", "startswith", "endswith", "matches", "exists"]

    /// Parses a whole text filter; blank text is `.constant(true)`.
    static func parse(_ source: String, limits: FilterLimits) throws(FilterError) -> ParsedFilter {
        let size = source.utf8.count
        if size > limits.maxTextBytes {
            throw FilterError(
                .limitExceeded, "filter too long: \(size) bytes, the limit is \(limits.maxTextBytes)", at: .start)
        }
        var parser = try TextParser(source: source, limits: limits)
        if parser.token.kind == .end { return ParsedFilter(expression: .constant(true), regexes: [:]) }
        let expression = try parser.parseOr()
        guard parser.token.kind == .end else {
            throw parser.unexpected(expecting: "'and', 'or' or end of input")
        }
        return ParsedFilter(expression: expression, regexes: parser.regexes)
    }

    /// Parses a path alone (`battery`, `location.floor`, `["a b"].c`, `@id`), as a sort field is written.
    static func parsePath(_ source: String) throws(FilterError) -> FieldPath {
        var parser = try TextParser(source: source, limits: .default)
        guard parser.token.kind != .end else { throw FilterError(.syntax, "empty path", at: .start) }
        let path = try parser.parsePath()
        guard parser.token.kind == .end else { throw parser.unexpected(expecting: "'.', '[' or end of the path") }
        return path
    }

    private init(source: String, limits: FilterLimits) throws(FilterError) {
        lexer = Lexer(source)
        token = try lexer.next()
        self.limits = limits
    }

    private mutating func advance() throws(FilterError) { token = try lexer.next() }

    private func unexpected(expecting expected: String) -> FilterError {
        FilterError(.syntax, "expected \(expected), found \(token.quoted)", at: token.location, expected: expected)
    }

    private mutating func descend() throws(FilterError) {
        depth += 1
        if depth > limits.effectiveMaxDepth {
            throw FilterError(
                .limitExceeded, "nesting too deep: more than \(limits.effectiveMaxDepth) levels", at: token.location)
        }
    }

    // MARK: Boolean structure

    private mutating func parseOr() throws(FilterError) -> FilterExpression {
        var operands = [try parseAnd()]
        while token.kind == .bars || token.keyword == "or" {
            try advance()
            operands.append(try parseAnd())
        }
        return .any(operands)
    }

    private mutating func parseAnd() throws(FilterError) -> FilterExpression {
        var operands = [try parseUnary()]
        while token.kind == .ampersands || token.keyword == "and" {
            try advance()
            operands.append(try parseUnary())
        }
        return .all(operands)
    }

    private mutating func parseUnary() throws(FilterError) -> FilterExpression {
        if token.kind == .bang || token.keyword == "not" {
            try descend()
            try advance()
            let operand = try parseUnary()
            depth -= 1
            return .not(operand)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(FilterError) -> FilterExpression {
        switch token.kind {
        case .leftParen:
            try descend()
            try advance()
            let inner = try parseOr()
            guard token.kind == .rightParen else { throw unexpected(expecting: "')'") }
            try advance()
            depth -= 1
            return inner
        case .identity, .leftBracket:
            return try parsePredicate(path: try parsePath())
        case .word:
            switch token.keyword {
            case "true", "false":
                let value = token.keyword == "true"
                try advance()
                return .constant(value)
            case "exists":
                let location = token.location
                try advance()
                guard token.kind == .leftParen else {
                    throw FilterError(
                        .syntax, "'exists' is a keyword: write exists(path), or [\"exists\"] for a key of that name",
                        at: location, expected: "'('")
                }
                try advance()
                let path = try parsePath()
                guard token.kind == .rightParen else { throw unexpected(expecting: "')' after the path") }
                try advance()
                try countPredicate(at: location)
                return .predicate(FilterPredicate(path: path, op: .exists, operand: .none))
            case let keyword? where Self.keywords.contains(keyword):
                throw FilterError(
                    .syntax,
                    "expected a predicate, found keyword \(token.quoted); bracket a key of that name: "
                        + "[\"\(token.text)\"]", at: token.location, expected: "a predicate")
            default:
                return try parsePredicate(path: try parsePath())
            }
        default:
            throw unexpected(expecting: "a predicate, '(' or 'not'")
        }
    }

    // MARK: Paths

    private mutating func parsePath() throws(FilterError) -> FieldPath {
        if token.kind == .identity {
            try advance()
            if token.kind == .dot || token.kind == .leftBracket {
                throw FilterError(.syntax, "'@id' is the identity's name and has no fields", at: token.location)
            }
            return .identity
        }
        var segments = [try parseSegment(afterDot: false)]
        while true {
            if token.kind == .dot {
                try advance()
                segments.append(try parseSegment(afterDot: true))
            } else if token.kind == .leftBracket {
                segments.append(try parseSegment(afterDot: true))
            } else {
                return FieldPath(segments)
            }
        }
    }

    private mutating func parseSegment(afterDot: Bool) throws(FilterError) -> String {
        switch token.kind {
        case .word(let word):
            if !afterDot, let keyword = token.keyword, Self.keywords.contains(keyword) {
                throw FilterError(
                    .syntax, "keyword \(token.quoted) cannot start a path; bracket it: [\"\(word)\"]",
                    at: token.location)
            }
            try advance()
            return word
        case .leftBracket:
            try advance()
            guard case .string(let key) = token.kind else {
                throw unexpected(expecting: "a quoted key after '['")
            }
            try advance()
            guard token.kind == .rightBracket else { throw unexpected(expecting: "']'") }
            try advance()
            return key
        default:
            throw unexpected(expecting: "a key name or [\"key\"]")
        }
    }

    // MARK: Predicates

    private mutating func countPredicate(at location: SourceLocation) throws(FilterError) {
        predicateCount += 1
        if predicateCount > limits.maxPredicates {
            throw FilterError(
                .limitExceeded, "too many predicates: more than \(limits.maxPredicates)", at: location)
        }
    }

    private mutating func parsePredicate(path: FieldPath) throws(FilterError) -> FilterExpression {
        let location = token.location
        try countPredicate(at: location)
        let comparison: PredicateOperator? =
            switch token.kind {
            case .equal: .equal
            case .notEqual: .notEqual
            case .less: .less
            case .lessOrEqual: .lessOrEqual
            case .greater: .greater
            case .greaterOrEqual: .greaterOrEqual
            default: nil
            }
        if let comparison {
            let symbol = token.text
            try advance()
            let operand = try parseComparisonOperand(after: symbol)
            return .predicate(FilterPredicate(path: path, op: comparison, operand: operand))
        }
        guard let word = token.keyword else {
            // A bare path, followed by and/or/')'/end: it means `path == true`.
            return .predicate(FilterPredicate(path: path, op: .equal, operand: .value(.bool(true))))
        }
        if word == "and" || word == "or" {
            return .predicate(FilterPredicate(path: path, op: .equal, operand: .value(.bool(true))))
        }
        var negated = false
        if word == "not" {
            negated = true
            try advance()
            guard let next = token.keyword, Self.operatorWords.contains(next) else {
                throw unexpected(expecting: "in, contains, startswith, endswith, matches or exists after 'not'")
            }
        }
        let op = try parseOperatorWord()
        let operand = try parseWordOperand(for: op)
        let final = negated ? op.negated! : op
        return .predicate(FilterPredicate(path: path, op: final, operand: operand))
    }

    private mutating func parseOperatorWord() throws(FilterError) -> PredicateOperator {
        let word = token.keyword ?? ""
        guard Self.operatorWords.contains(word), let op = PredicateOperator(rawValue: word) else {
            let names = Self.operatorWords + ["and", "or"]
            if let suggestion = ClosestName.find(word, among: names) {
                throw FilterError(
                    .syntax, "unknown operator '\(token.text)'; did you mean '\(suggestion)'?", at: token.location,
                    expected: "an operator")
            }
            throw unexpected(
                expecting: "an operator (==, !=, <, <=, >, >=, in, contains, startswith, endswith, matches, exists)")
        }
        try advance()
        return op
    }

    private mutating func parseWordOperand(for op: PredicateOperator) throws(FilterError) -> Operand {
        switch op {
        case .exists:
            return .none
        case .in:
            return .list(try parseList())
        case .contains:
            return .value(try parseValue(after: op.rawValue))
        default:
            let location = token.location
            let value = try parseValue(after: op.rawValue)
            guard case .string(let text) = value else {
                throw FilterError(
                    .invalidValue, "'\(op.rawValue)' expects a string, found a \(value.typeName)", at: location)
            }
            if op == .matches, regexes[text] == nil {
                regexes[text] = try RegexCompiler.compile(text, limits: limits, at: location)
            }
            return .value(value)
        }
    }

    private mutating func parseComparisonOperand(after symbol: String) throws(FilterError) -> Operand {
        if case .version(let text) = token.kind {
            guard let version = DottedVersion(text) else {
                throw FilterError(
                    .invalidVersion, "invalid version \(token.text): expected dotted numbers like v\"1.10.2\"",
                    at: token.location)
            }
            try advance()
            return .version(version)
        }
        return .value(try parseValue(after: symbol))
    }

    private mutating func parseValue(after context: String) throws(FilterError) -> Value {
        let value: Value
        switch token.kind {
        case .string(let text): value = .string(text)
        case .number(let number): value = number
        case .word(let word):
            switch token.keyword {
            case "true": value = .bool(true)
            case "false": value = .bool(false)
            case "null": value = .null
            case let keyword? where Self.keywords.contains(keyword):
                throw FilterError(
                    .syntax, "expected a value after '\(context)', found keyword \(token.quoted)", at: token.location,
                    expected: "a value")
            default:
                throw FilterError(
                    .syntax,
                    "strings must be quoted: found bare word '\(word)' where a value belongs; "
                        + "write \"\(word)\"", at: token.location, expected: "a value")
            }
        case .version:
            throw FilterError(
                .syntax, "a version literal only goes with ==, !=, <, <=, > or >=", at: token.location)
        default:
            throw FilterError(
                .syntax, "expected a value after '\(context)', found \(token.quoted)", at: token.location,
                expected: "a value")
        }
        try advance()
        return value
    }

    private mutating func parseList() throws(FilterError) -> [Value] {
        guard token.kind == .leftBracket else { throw unexpected(expecting: "'[' to start the list") }
        try advance()
        var items: [Value] = []
        if token.kind == .rightBracket {
            try advance()
            return items
        }
        while true {
            if items.count == limits.maxListItems {
                throw FilterError(
                    .limitExceeded, "list too long: more than \(limits.maxListItems) items", at: token.location)
            }
            items.append(try parseValue(after: items.isEmpty ? "[" : ","))
            if token.kind == .comma {
                try advance()
            } else if token.kind == .rightBracket {
                try advance()
                return items
            } else {
                throw unexpected(expecting: "',' or ']'")
            }
        }
    }
}
