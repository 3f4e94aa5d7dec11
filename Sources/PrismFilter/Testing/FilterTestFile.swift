/// A filter test file (`*.test`): cases of filter, metadata and expected outcome.
/// The format is documented in filters/README.md.
public struct FilterTestFile: Sendable {
    /// What a case expects.
    public enum Expectation: Sendable, Equatable, CustomStringConvertible {
        case result(Bool)
        /// Any error when the text is `nil`; otherwise an error whose `LINE:COLUMN: message` contains it.
        case error(containing: String?)

        public var description: String {
            switch self {
            case .result(let value): "\(value)"
            case .error(let text?): "error containing \"\(text)\""
            case .error(nil): "an error"
            }
        }
    }

    public struct Case: Sendable {
        public var line: Int
        public var filter: String
        public var metadata: Value
        public var identity: String
        public var limits: FilterLimits
        public var expectation: Expectation
    }

    /// A problem with the test file itself (not with a case's outcome).
    public struct FormatError: Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public var cases: [Case] = []

    /// Parses a test file's text.
    public init(parsing text: String) throws {
        var metadata: Value = .object([:])
        var identity = "test"
        var limits = FilterLimits.default
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") { continue }
            // A line with ` => ` is a case even when it starts with `@` (a filter such as `@id == "x"`).
            if let (filter, expected) = Self.splitAtLastArrow(String(rawLine)) {
                let expectation = try Self.parseExpectation(expected.trimmingBlanks(), line: lineNumber)
                cases.append(
                    Case(
                        line: lineNumber, filter: filter.trimmingBlanks(), metadata: metadata, identity: identity,
                        limits: limits, expectation: expectation))
            } else if line.hasPrefix("@metadata") {
                do {
                    metadata = try Value(json: String(line.dropFirst("@metadata".count)))
                } catch {
                    throw FormatError(line: lineNumber, message: "@metadata: \(error)")
                }
                guard case .object = metadata else {
                    throw FormatError(line: lineNumber, message: "@metadata must be a JSON object")
                }
            } else if line.hasPrefix("@id") {
                identity = String(line.dropFirst(3)).trimmingBlanks()
            } else if line.hasPrefix("@limits") {
                limits = try Self.parseLimits(String(line.dropFirst("@limits".count)), line: lineNumber)
            } else {
                throw FormatError(line: lineNumber, message: "expected 'FILTER => EXPECTED' or an @ directive")
            }
        }
    }

    /// Splits `FILTER => EXPECTED` at the last ` => `, so filters may contain the arrow themselves.
    private static func splitAtLastArrow(_ line: String) -> (String, String)? {
        let bytes = Array(line.utf8)
        let arrow = Array(" => ".utf8)
        guard bytes.count >= arrow.count else { return nil }
        for start in stride(from: bytes.count - arrow.count, through: 0, by: -1)
        where bytes[start..<start + arrow.count].elementsEqual(arrow) {
            return (
                String(decoding: bytes[..<start], as: UTF8.self),
                String(decoding: bytes[(start + arrow.count)...], as: UTF8.self)
            )
        }
        return nil
    }

    private static func parseExpectation(_ text: String, line: Int) throws -> Expectation {
        switch text {
        case "true": return .result(true)
        case "false": return .result(false)
        case "error": return .error(containing: nil)
        default:
            guard text.hasPrefix("error:") else {
                throw FormatError(line: line, message: "expected true, false, error or 'error: TEXT', found '\(text)'")
            }
            return .error(containing: String(text.dropFirst("error:".count)).trimmingBlanks())
        }
    }

    private static func parseLimits(_ text: String, line: Int) throws -> FilterLimits {
        var limits = FilterLimits.default
        for setting in text.split(separator: " ") where setting != "default" {
            let parts = setting.split(separator: "=")
            guard parts.count == 2, let number = Int(parts[1]), number >= 0 else {
                throw FormatError(line: line, message: "@limits takes KEY=NUMBER settings, found '\(setting)'")
            }
            switch parts[0] {
            case "text": limits.maxTextBytes = number
            case "map": limits.maxMapBytes = number
            case "depth": limits.maxDepth = number
            case "predicates": limits.maxPredicates = number
            case "list": limits.maxListItems = number
            case "regex": limits.maxRegexLength = number
            default:
                throw FormatError(
                    line: line, message: "unknown limit '\(parts[0])'; use text, map, depth, predicates, list or regex")
            }
        }
        return limits
    }
}

extension FilterTestFile.Case {
    /// What the case actually does: the boolean result, or the error's `LINE:COLUMN: message`.
    public func run() -> Result<Bool, FilterError> {
        Result { () throws(FilterError) -> Bool in
            try Filter(filter, limits: limits).matches(json: metadata, identity: identity)
        }
    }

    /// `nil` when the case passes, else a description of the mismatch.
    public func failure() -> String? {
        let outcome = run()
        switch (expectation, outcome) {
        case (.result(let expected), .success(let actual)) where expected == actual:
            return nil
        case (.error(nil), .failure):
            return nil
        case (.error(let text?), .failure(let error)) where error.description.contains(text):
            return nil
        case (_, .success(let actual)):
            return "expected \(expectation), got \(actual)"
        case (_, .failure(let error)):
            return "expected \(expectation), got error \"\(error)\""
        }
    }
}

extension StringProtocol {
    func trimmingBlanks() -> String {
        let scalars = unicodeScalars.drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" })
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let before = scalars.index(before: end)
            guard scalars[before] == " " || scalars[before] == "\t" || scalars[before] == "\r" else { break }
            end = before
        }
        return String(String.UnicodeScalarView(scalars[..<end]))
    }
}
