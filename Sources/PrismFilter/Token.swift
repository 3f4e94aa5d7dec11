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

    /// The token as it reads in an error message. Computed on demand: building a string for every
    /// token was most of the cost of parsing.
    var text: String {
        switch kind {
        case .leftParen: "("
        case .rightParen: ")"
        case .leftBracket: "["
        case .rightBracket: "]"
        case .comma: ","
        case .dot: "."
        case .equal: "=="
        case .notEqual: "!="
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        case .bang: "!"
        case .ampersands: "&&"
        case .bars: "||"
        case .word(let word): word
        case .identity: "@id"
        case .string(let value): Value.string(value).jsonText
        case .number(let value): value.jsonText
        case .version(let value): "v" + Value.string(value).jsonText
        case .end: ""
        }
    }

    /// The word in lower case when this is a word, for keyword tests; set once by the lexer, since the
    /// parser asks several times per token.
    let keyword: String?

    init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
        // No keyword is longer than 10 characters ("startswith"); longer words need no lower-casing.
        if case .word(let word) = kind, word.utf8.count <= 10 {
            keyword = word.lowercased()
        } else if case .word(let word) = kind {
            keyword = word
        } else {
            keyword = nil
        }
    }

    /// How the token reads in an error message: `'text'`, or `end of input`.
    var quoted: String {
        kind == .end ? "end of input" : "'\(text)'"
    }
}
