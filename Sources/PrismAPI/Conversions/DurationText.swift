import Foundation

/// Durations as people type them in config files and on the command line: `500ms`, `30s`, `5m`, `1h`,
/// or a sum such as `1m30s`. A bare `0` is zero; any other number needs a unit, because "30" could mean
/// seconds or milliseconds and guessing wrong silently changes a TTL by a factor of 1000.
/// `Duration.written` (PrismDurations) writes them the way this reads them.
public enum DurationText {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "invalid duration '\(text)': \(reason); use e.g. 500ms, 30s, 5m, 1h" }
    }

    private static let unitMilliseconds: [(unit: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    public static func parse(_ text: String) throws(ParseError) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" { return .zero }
        guard !trimmed.isEmpty else { throw ParseError(text: text, reason: "it is empty") }
        guard !trimmed.hasPrefix("-") else { throw ParseError(text: text, reason: "a duration cannot be negative") }
        var rest = Substring(trimmed)
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, let amount = Int64(digits) else {
                throw ParseError(text: text, reason: "expected a whole number at '\(rest)'")
            }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix(while: \.isLetter)
            if unitText.isEmpty, rest.first == "." {
                throw ParseError(
                    text: text,
                    reason: "fractions are not accepted; combine units instead (1m30s, not 1.5m; 1500ms, not 1.5s)")
            }
            guard let unit = unitMilliseconds.first(where: { $0.unit == unitText }) else {
                let found = unitText.isEmpty ? "no unit" : "unknown unit '\(unitText)'"
                throw ParseError(text: text, reason: "\(found) after \(digits); units are ms, s, m, h, d")
            }
            rest = rest.dropFirst(unitText.count)
            let (product, overflow) = amount.multipliedReportingOverflow(by: unit.milliseconds)
            let (sum, overflowSum) = total.addingReportingOverflow(product)
            guard !overflow, !overflowSum else { throw ParseError(text: text, reason: "it is too long") }
            total = sum
        }
        return .milliseconds(total)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
