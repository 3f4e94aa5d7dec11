import JWTKit

/// A token whose signature, issuer, audience and times have been checked: who is calling, and every
/// claim the token carries.
public struct VerifiedToken: Sendable, Equatable {
    public var subject: String
    public var claims: [String: Claim]

    public init(subject: String, claims: [String: Claim]) {
        self.subject = subject
        self.claims = claims
    }

    /// OAuth scopes (`scope`, space-separated, or `scp`, a list).
    public var scopes: [String] {
        (claims["scope"]?.strings(splittingSpaces: true) ?? []) + (claims["scp"]?.strings() ?? [])
    }
}

/// Every claim, for jwt-kit to decode once the signature holds. Its own checks are none: the times,
/// issuer and audience depend on the configuration, so ``TokenVerifier`` checks them.
struct AllClaims: JWTPayload {
    var claims: [String: Claim]

    init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: Claim].self)
    }

    func encode(to encoder: any Encoder) throws {
        // Never signs: prismd only verifies.
        throw EncodingError.invalidValue(
            self, .init(codingPath: [], debugDescription: "prismd does not issue tokens"))
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
