/// A parsed, validated and compiled filter, ready to test identities.
///
/// A source whose first non-blank character is `{` is the RFC-017 map form; anything else is the
/// text form. Blank text matches everything.
/// ```
/// let filter = try Filter("type == \"sensor\" and floor >= 2 and firmware < v\"2.0\"")
/// filter.matches(["type": "sensor", "floor": 3, "firmware": "1.9.4"], identity: "dev-1")   // true
/// print(filter)   // the canonical text form
/// ```
public struct Filter: Sendable, CustomStringConvertible {
    /// The syntax tree, shared by both surface forms.
    public let expression: FilterExpression
    private let compiled: CompiledFilter

    /// Parses and compiles `source`.
    /// - Throws: ``FilterError`` naming line:column and what was expected; nothing is evaluated.
    public init(_ source: String, limits: FilterLimits = .default) throws(FilterError) {
        let parsed = try Self.parseForm(source, limits: limits)
        expression = parsed.expression
        compiled = try CompiledFilter(parsed.expression, limits: limits, regexes: parsed.regexes)
    }

    /// Compiles an expression built in code or parsed earlier.
    public init(expression: FilterExpression, limits: FilterLimits = .default) throws(FilterError) {
        self.expression = expression
        compiled = try CompiledFilter(expression, limits: limits)
    }

    /// Parses either surface form into an expression without compiling it.
    public static func parse(_ source: String, limits: FilterLimits = .default) throws(FilterError) -> FilterExpression
    {
        try parseForm(source, limits: limits).expression
    }

    private static func parseForm(_ source: String, limits: FilterLimits) throws(FilterError) -> ParsedFilter {
        if isMapForm(source) {
            return try MapFormParser.parse(source, limits: limits)
        }
        return try TextParser.parse(source, limits: limits)
    }

    /// Whether `source` is in the JSON map form: its first non-blank character is `{`.
    public static func isMapForm(_ source: String) -> Bool {
        source.unicodeScalars.first(where: { !Lexer.isBlank($0) }) == "{"
    }

    /// Whether the filter selects every identity (the empty filter, `{}` or `true`).
    public var matchesEverything: Bool { expression == .constant(true) }

    /// Tests one identity. Never throws: a missing or mistyped field makes its predicate false.
    /// - Parameters:
    ///   - metadata: the identity's metadata object.
    ///   - identity: the identity's name, which `@id` refers to.
    public func matches(_ metadata: JSONObject, identity: String) -> Bool {
        compiled.evaluate(metadata, identity: identity)
    }

    /// Tests one identity whose metadata is any JSON ``Value``; anything but an object counts as `{}`.
    public func matches(json metadata: Value, identity: String) -> Bool {
        if case .object(let members) = metadata { return compiled.evaluate(members, identity: identity) }
        return compiled.evaluate(JSONObject(), identity: identity)
    }

    /// The canonical text form.
    public var description: String { expression.description }
}
