import Foundation
import JWTKit

/// Checks an OIDC access token (a JWT) the way the configuration asks: a signature by one of the
/// issuer's keys, with RS256, ES256 or EdDSA only; `iss`, `aud`, `exp` and `nbf`, with the clock skew.
/// Every refusal is an ``AuthFailure`` whose message holds no part of the token.
///
/// ```swift
/// let verifier = TokenVerifier(settings: settings)
/// let token = try await verifier.verify(bearer)   // token.subject, token.claims
/// ```
public struct TokenVerifier: Sendable {
    /// The algorithms of the keys an OIDC issuer publishes. `none` and the HMAC family are refused before
    /// any key is looked at: an HS256 token "signed" with a public key is the classic forgery.
    public static let algorithms = ["RS256", "ES256", "EdDSA"]

    public let settings: AuthSettings
    public let keys: IssuerKeys

    public init(settings: AuthSettings, keys: IssuerKeys? = nil) {
        self.settings = settings
        self.keys = keys ?? IssuerKeys(settings: settings)
    }

    public func verify(_ token: String, now: Date = Date()) async throws(AuthFailure) -> VerifiedToken {
        let header = try Self.header(of: token)
        guard case .string(let algorithm)? = header["alg"], Self.algorithms.contains(algorithm) else {
            let named = header["alg"]?.strings().first.map { "'\($0)'" } ?? "none named"
            throw AuthFailure(
                .unsupportedAlgorithm,
                "the token's algorithm (\(named)) is not accepted; prismd takes \(Self.algorithms.joined(separator: ", "))"
            )
        }
        let kid = header["kid"]?.strings().first
        var (collection, kids) = try await keys.current()
        if let kid, !kids.contains(kid) {
            // A key the set lacks: the issuer may have rotated its keys since they were fetched.
            if await keys.refreshIfDue() { (collection, kids) = try await keys.current() }
            guard kids.contains(kid) else {
                throw AuthFailure(
                    .unknownKey, "the token is signed with key '\(kid)', which the issuer does not publish")
            }
        }
        let claims: [String: Claim]
        do {
            claims = try await collection.verify(token, as: AllClaims.self, iteratingKeys: kid == nil).claims
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw AuthFailure(.badSignature, "the token's signature does not verify with the issuer's key")
        } catch {
            throw AuthFailure(.badSignature, "the token cannot be verified: \(Self.reason(error))")
        }
        return try check(claims, now: now)
    }

    private func check(_ claims: [String: Claim], now: Date) throws(AuthFailure) -> VerifiedToken {
        let issuer = claims["iss"]?.strings().first
        guard issuer == settings.issuer else {
            throw AuthFailure(
                .wrongIssuer,
                "the token was issued by \(issuer.map { "'\($0)'" } ?? "nobody named"), not '\(settings.issuer)'")
        }
        guard claims["aud"]?.strings().contains(settings.audience) == true else {
            throw AuthFailure(.wrongAudience, "the token is not for audience '\(settings.audience)'")
        }
        let skew = Double(settings.clockSkew.components.seconds)
        let moment = now.timeIntervalSince1970
        guard let expiry = claims["exp"]?.number else { throw AuthFailure(.malformed, "the token has no exp") }
        guard moment <= expiry + skew else {
            throw AuthFailure(.expired, "the token expired at \(Self.time(expiry))")
        }
        if let notBefore = claims["nbf"]?.number, moment + skew < notBefore {
            throw AuthFailure(.notYetValid, "the token is not valid before \(Self.time(notBefore))")
        }
        guard let subject = claims["sub"]?.strings().first, !subject.isEmpty else {
            throw AuthFailure(.malformed, "the token has no sub")
        }
        return VerifiedToken(subject: subject, claims: claims)
    }

    /// The JOSE header, read before anything is trusted, to pick the key and refuse what is not allowed.
    private static func header(of token: String) throws(AuthFailure) -> [String: Claim] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecoded(parts[0]),
            let header = try? JSONDecoder().decode([String: Claim].self, from: data)
        else {
            throw AuthFailure(.malformed, "the token is not a JWT (three base64url parts, a JSON header first)")
        }
        return header
    }

    private static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    private static func time(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }

    /// jwt-kit's reason, without any of the token it may quote.
    private static func reason(_ error: any Error) -> String {
        guard let error = error as? JWTError else { return "\(type(of: error))" }
        return error.reason ?? "\(error.errorType)"
    }
}
