/// One lexical token of the text form.
struct Token: Sendable {
    enum Kind: Equatable, Sendable {
        case leftParen, rightParen, leftBracket, rightBracket, comma, dot
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case bang, ampersands, bars
        /// An identifier or keyword; keywords are recognised by the parser, case-insensitively.
        case word(String)
        case identity
        case string(String)
        case number(Value)
        case version(String)
        case end
    }

    var kind: Kind
    var location: SourceLocation
    /// The token as written, for error messages.
    var text: String

    /// The word in lower case when this is a word, for keyword tests.
    var keyword: String? {
        if case .word(let word) = kind { return word.lowercased() }
        return nil
    }

    /// How the token reads in an error message: `'text'`, or `end of input`.
    var quoted: String {
        kind == .end ? "end of input" : "'\(text)'"
    }
}
