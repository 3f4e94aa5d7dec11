/// Why a call's token was not accepted: UNAUTHENTICATED, with a reason a person can act on and never
/// any of the token itself.
public struct AuthFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        case missing, malformed, expired
        case notYetValid = "not_yet_valid"
        case wrongIssuer = "wrong_issuer"
        case wrongAudience = "wrong_audience"
        case unsupportedAlgorithm = "unsupported_algorithm"
        case unknownKey = "unknown_key"
        case badSignature = "bad_signature"
        /// The issuer's keys could not be had, and none are cached.
        case keysUnavailable = "keys_unavailable"
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// The `reason` label of `prism_auth_failures_total`.
    public var label: String { reason.rawValue }
    public var description: String { message }
}
