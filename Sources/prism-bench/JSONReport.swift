import PrismFilter

/// One scenario's figures, printed as a single JSON object.
struct JSONReport {
    private var fields: [(String, Value)] = []

    init(scenario: String) { fields.append(("scenario", .string(scenario))) }

    mutating func add(_ key: String, _ value: Value) { fields.append((key, value)) }

    mutating func add(_ key: String, _ number: Double) {
        fields.append((key, .double((number * 100).rounded() / 100)))
    }

    mutating func add(_ key: String, _ number: Int) { fields.append((key, .int(Int64(number)))) }

    /// A number added earlier, for ratios.
    func value(_ key: String) -> Double? {
        switch fields.last(where: { $0.0 == key })?.1 {
        case .double(let number)?: number
        case .int(let number)?: Double(number)
        default: nil
        }
    }

    func print() {
        Swift.print(
            "{" + fields.map { "\(Value.string($0.0).jsonText): \($0.1.jsonText)" }.joined(separator: ", ") + "}")
    }
}
