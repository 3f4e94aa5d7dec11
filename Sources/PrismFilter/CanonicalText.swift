extension FilterExpression: CustomStringConvertible {
    /// The canonical text form: lower-case keywords, minimal parentheses, double-quoted strings.
    /// Parsing it gives back an equal expression.
    public var description: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .constant(let value):
            output += value ? "true" : "false"
        case .predicate(let predicate):
            output += predicate.description
        case .not(let operand):
            output += "not "
            operand.writeOperand(to: &output, parenthesize: operand.isJunction)
        case .and(let operands):
            for (position, operand) in operands.enumerated() {
                if position > 0 { output += " and " }
                operand.writeOperand(to: &output, parenthesize: operand.isJunction)
            }
        case .or(let operands):
            for (position, operand) in operands.enumerated() {
                if position > 0 { output += " or " }
                // `and` binds tighter than `or`, so only a nested `or` needs parentheses.
                operand.writeOperand(to: &output, parenthesize: operand.isDisjunction)
            }
        }
    }

    private func writeOperand(to output: inout String, parenthesize: Bool) {
        if parenthesize { output += "(" }
        write(to: &output)
        if parenthesize { output += ")" }
    }

    private var isJunction: Bool {
        switch self {
        case .and, .or: true
        default: false
        }
    }

    private var isDisjunction: Bool {
        if case .or = self { return true }
        return false
    }
}

extension FilterPredicate: CustomStringConvertible {
    /// `path op operand` in canonical text.
    public var description: String {
        var output = path.description
        output += " " + op.rawValue
        switch operand {
        case .none: break
        case .value(let value): output += " " + value.literalText
        case .version(let version):
            var quoted = ""
            Value.writeJSONString(version.text, to: &quoted)
            output += " v" + quoted
        case .list(let items): output += " [" + items.map(\.literalText).joined(separator: ", ") + "]"
        }
        return output
    }
}

extension FieldPath: CustomStringConvertible {
    /// `@id`, `location.building`, or bracketed segments where a key is not a plain identifier:
    /// `["my key"].x`, `a["in"]`.
    public var description: String {
        if isIdentity { return "@id" }
        var output = ""
        for (position, segment) in segments.enumerated() {
            if Self.isPlainIdentifier(segment) {
                if position > 0 { output += "." }
                output += segment
            } else {
                output += "["
                Value.writeJSONString(segment, to: &output)
                output += "]"
            }
        }
        return output
    }

    static func isPlainIdentifier(_ segment: String) -> Bool {
        guard let first = segment.unicodeScalars.first, Lexer.isIdentifierStart(first) else { return false }
        guard segment.unicodeScalars.allSatisfy(Lexer.isIdentifierContinue) else { return false }
        return !TextParser.keywords.contains(segment.lowercased())
    }
}

extension Value {
    /// The value as a text-form literal (JSON spelling).
    var literalText: String { jsonText }
}
