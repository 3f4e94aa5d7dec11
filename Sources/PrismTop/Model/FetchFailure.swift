/// Why a refresh failed: the whole message for logs and JSON, and a short reason that fits the
/// screen's last line (a gRPC transport message is often longer than the terminal is wide).
public struct FetchFailure: Sendable, Equatable {
    public var message: String
    /// A few words: `cannot connect to prismd`, `prismd refused: NOT_FOUND no namespace 'x'`.
    public var reason: String

    public init(message: String, reason: String) {
        self.message = message
        self.reason = reason
    }
}
