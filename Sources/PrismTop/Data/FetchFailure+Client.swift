import PrismAPI
import PrismClient

extension FetchFailure {
    /// The short reason keeps what a person acts on (the server is down, slow, or refusing, and with
    /// which status), not the transport's wording.
    public init(_ error: PrismClientError) {
        let reason: String
        switch error {
        case .unreachable(_, let detail):
            let lowered = detail.lowercased()
            if lowered.contains("refused") {
                reason = "cannot connect to prismd (connection refused)"
            } else if lowered.contains("could not establish a connection") {
                reason = "cannot connect to prismd"
            } else if lowered.hasPrefix("no answer within") {
                reason = "prismd gave \(detail)"
            } else {
                reason = "prismd unreachable"
            }
        case .rejected(let code, let message):
            let firstClause = message.split(whereSeparator: { ".;\n".contains($0) }).first.map(String.init) ?? ""
            reason = "prismd refused: \(code.statusName) \(DisplayWidth.truncate(firstClause, to: 50))"
        case .invalidRequest(let message):
            reason = DisplayWidth.truncate(message, to: 60)
        }
        self.init(message: error.description, reason: reason.trimmingTrailingSpaces)
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
