/// Why a refresh failed: the whole message for logs and JSON, and a short reason that fits the
/// screen's last line (a gRPC transport message is often longer than the terminal is wide).
public struct FetchFailure: Sendable, Equatable {
    public var message: String
    /// A few words: `prismd unreachable (connection refused)`, `prismd refused: NOT_FOUND`.
    public var reason: String

    public init(message: String, reason: String) {
        self.message = message
        self.reason = reason
    }
}
