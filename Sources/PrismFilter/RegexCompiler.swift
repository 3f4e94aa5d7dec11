/// Checks `matches` patterns while parsing, so an invalid or oversized pattern is a parse error
/// positioned at its string literal rather than a silent "false" at evaluation.
enum RegexCompiler {
    static func compile(
        _ pattern: String, limits: FilterLimits, at location: SourceLocation
    ) throws(FilterError) -> LinearRegex {
        let length = pattern.unicodeScalars.count
        if length > limits.maxRegexLength {
            throw FilterError(
                .limitExceeded, "regex too long: \(length) characters, the limit is \(limits.maxRegexLength)",
                at: location)
        }
        do {
            return try LinearRegex(pattern)
        } catch {
            throw FilterError(error.code, error.message, at: location)
        }
    }
}

/// What a parser produces: the tree, and the `matches` patterns it already compiled while validating.
struct ParsedFilter {
    var expression: FilterExpression
    var regexes: [String: LinearRegex]
}
