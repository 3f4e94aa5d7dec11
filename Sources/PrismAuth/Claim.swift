/// A claim's value as the token carries it. Authorization rules compare strings and lists of strings
/// (`groups`, `scope`); the rest is kept so that a rule may name any claim.
public enum Claim: Sendable, Equatable, Decodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([Claim])
    case object([String: Claim])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([Claim].self) {
            self = .list(value)
        } else {
            self = .object(try container.decode([String: Claim].self))
        }
    }

    /// The strings it holds: itself, or a list's strings. OAuth's `scope` is one space-separated string,
    /// so a string is also split on spaces when `splittingSpaces`.
    public func strings(splittingSpaces: Bool = false) -> [String] {
        switch self {
        case .string(let text): splittingSpaces ? text.split(separator: " ").map(String.init) : [text]
        case .list(let items): items.flatMap { $0.strings(splittingSpaces: splittingSpaces) }
        default: []
        }
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}
