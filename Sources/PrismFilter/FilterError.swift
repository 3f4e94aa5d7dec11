/// Why a filter (or a value, or a regular expression inside one) was refused.
///
/// Carries the position of the problem so a person can find it:
/// ```
/// 1:9: expected a value after '==', found end of input
/// ```
public struct FilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case syntax, invalidValue, invalidRegex, invalidVersion, limitExceeded, invalidMapForm, invalidJSON
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The text does not follow the grammar.
        public static let syntax = Code(.syntax)
        /// A literal has the wrong type for its operator (`startswith 1`).
        public static let invalidValue = Code(.invalidValue)
        /// A `matches` pattern is malformed or outside the supported subset.
        public static let invalidRegex = Code(.invalidRegex)
        /// A `v"..."` literal is not a dotted version.
        public static let invalidVersion = Code(.invalidVersion)
        /// A configured limit (length, depth, predicates, list, regex) was exceeded.
        public static let limitExceeded = Code(.limitExceeded)
        /// The JSON map form uses an unknown key or a wrongly typed operand.
        public static let invalidMapForm = Code(.invalidMapForm)
        /// The JSON text itself is malformed.
        public static let invalidJSON = Code(.invalidJSON)

        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// What is wrong, without the position.
    public var message: String
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column of the problem, counted in Unicode scalars.
    public var column: Int
    /// What the parser would have accepted at that position, when that is a useful hint.
    public var expected: String?

    public init(code: Code, message: String, line: Int, column: Int, expected: String? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.expected = expected
    }

    init(_ code: Code, _ message: String, at location: SourceLocation, expected: String? = nil) {
        self.init(code: code, message: message, line: location.line, column: location.column, expected: expected)
    }

    /// `LINE:COLUMN: message`.
    public var description: String { "\(line):\(column): \(message)" }

    /// The error followed by the offending source line and a caret under the column:
    /// ```
    /// 1:9: expected a value after '==', found end of input
    ///   floor ==
    ///           ^
    /// ```
    public func diagnostic(source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return description }
        var text = Array(lines[line - 1].unicodeScalars.map { $0 == "\t" ? " " : $0 })
        var caretColumn = max(1, min(column, text.count + 1))
        // Long lines (a 100 KB filter on one line) are cut to a window around the caret.
        let window = 100
        if text.count > window {
            let start = max(0, min(caretColumn - 1 - window / 2, text.count - window))
            let end = min(text.count, start + window)
            var cut = Array(text[start..<end])
            if start > 0 { cut.insert("…", at: 0) }
            if end < text.count { cut.append("…") }
            caretColumn -= start - (start > 0 ? 1 : 0)
            text = cut
        }
        var shown = ""
        shown.unicodeScalars.append(contentsOf: text)
        let pad = String(repeating: " ", count: caretColumn - 1)
        return "\(description)\n  \(shown)\n  \(pad)^"
    }
}

/// A 1-based line and column in a filter's source.
public struct SourceLocation: Hashable, Sendable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let start = SourceLocation(line: 1, column: 1)
}
