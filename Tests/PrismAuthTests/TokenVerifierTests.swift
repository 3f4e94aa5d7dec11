import Foundation
import PrismAuth
import Testing

/// Tokens from a real OIDC provider (joserfc signs them) checked by ``TokenVerifier``: every way a token
/// can be wrong is refused with its reason, and key rotation needs no restart.
@Suite("TokenVerifier against a real OIDC provider", .serialized)
struct TokenVerifierTests {
    static func verifier(_ provider: OIDCProvider, keys: AuthSettings.KeySource = .discovery) -> TokenVerifier {
        TokenVerifier(
            settings: AuthSettings(
                issuer: provider.issuer, audience: "prism", keys: keys, clockSkew: .seconds(5),
                refetchInterval: .seconds(1)))
    }

    static func refusal(_ verifier: TokenVerifier, _ token: String) async -> AuthFailure? {
        do {
            _ = try await verifier.verify(token)
            return nil
        } catch {
            return error
        }
    }

    @Test("RS256, ES256 and EdDSA tokens verify through discovery and JWKS; the claims come along")
    func algorithms() async throws {
        let provider = try await OIDCProvider.start()
        defer { provider.stop() }
        let verifier = Self.verifier(provider)
        for alg in ["RS256", "ES256", "EdDSA"] {
            let token = try await provider.token(
                alg: alg, claims: ["sub": "device-7", "groups": ["iot-ops"], "scope": "prism:iot:read prism:iot:write"])
            let verified = try await verifier.verify(token)
            #expect(verified.subject == "device-7", "\(alg)")
            #expect(verified.claims["groups"]?.strings() == ["iot-ops"])
            #expect(verified.scopes == ["prism:iot:read", "prism:iot:write"])
        }
    }

    @Test("every bad token is refused with its reason, and no part of it in the message")
    func refusals() async throws {
        let provider = try await OIDCProvider.start()
        defer { provider.stop() }
        let verifier = Self.verifier(provider)
        let now = Int(Date().timeIntervalSince1970)
        let good = try await provider.token()
        let parts = good.split(separator: ".").map(String.init)
        let cases: [(String, String, AuthFailure.Reason)] = [
            ("expired", try await provider.token(claims: ["exp": now - 60, "iat": now - 120]), .expired),
            ("not yet valid", try await provider.token(claims: ["nbf": now + 120]), .notYetValid),
            ("wrong issuer", try await provider.token(claims: ["iss": "https://evil.example"]), .wrongIssuer),
            ("wrong audience", try await provider.token(claims: ["aud": "someone-else"]), .wrongAudience),
            ("alg none", try await provider.token(extra: ["unsigned": true]), .unsupportedAlgorithm),
            (
                "HS256 with the public key", try await provider.token(extra: ["hs256_with_public_key": true]),
                .unsupportedAlgorithm
            ),
            ("truncated", String(good.dropLast(20)), .badSignature),
            (
                "a payload changed", [parts[0], parts[1].dropLast(2) + "fQ", parts[2]].joined(separator: "."),
                .badSignature
            ),
            ("unknown kid", try await provider.token(extra: ["kid": "no-such-key"]), .unknownKey),
            ("not a JWT", "Bearer-ish nonsense", .malformed),
            ("no exp", try await provider.token(claims: ["exp": NSNull()]), .malformed),
        ]
        for (name, token, reason) in cases {
            let failure = await Self.refusal(verifier, token)
            #expect(failure?.reason == reason, "\(name): \(String(describing: failure))")
            let quoted = token.split(separator: ".").contains { $0.count > 8 && failure?.message.contains($0) == true }
            #expect(!quoted, "\(name) quotes the token: \(failure?.message ?? "")")
        }
        // Within the clock skew (5 s), a just-expired token still passes.
        let justExpired = try await provider.token(claims: ["exp": now - 2, "iat": now - 60])
        #expect(await Self.refusal(verifier, justExpired) == nil)
    }

    @Test("a rotated key is fetched when a token names it, at most once per interval for unknown kids")
    func rotation() async throws {
        let provider = try await OIDCProvider.start()
        defer { provider.stop() }
        let verifier = Self.verifier(provider)
        _ = try await verifier.verify(try await provider.token())
        let fetched = try await provider.jwksRequests
        try await Task.sleep(for: .milliseconds(1100))
        let kid = try await provider.rotate()
        let rotated = try await provider.token()
        let verified = try await verifier.verify(rotated)
        #expect(verified.subject == "tester")
        #expect(try await provider.jwksRequests == fetched + 1)
        #expect(!kid.isEmpty)

        // Made-up kids, one after another: one more fetch at most, not one each.
        for index in 0..<5 {
            let forged = try await provider.token(extra: ["kid": "forged-\(index)"])
            #expect(await Self.refusal(verifier, forged)?.reason == .unknownKey)
        }
        #expect(try await provider.jwksRequests <= fetched + 2)
    }

    @Test("while the issuer is down the cached keys still verify and health is degraded; then it recovers")
    func issuerOutage() async throws {
        let provider = try await OIDCProvider.start()
        defer { provider.stop() }
        let verifier = Self.verifier(provider)
        _ = try await verifier.verify(try await provider.token())
        #expect(await verifier.keys.health == .healthy)
        try await provider.outage(true)
        await verifier.keys.refresh()
        guard case .degraded(let reason) = await verifier.keys.health else {
            Issue.record("health is \(await verifier.keys.health)")
            return
        }
        #expect(reason.contains("503"), "\(reason)")
        #expect(try await verifier.verify(try await provider.token(alg: "ES256")).subject == "tester")
        try await provider.outage(false)
        await verifier.keys.refresh()
        #expect(await verifier.keys.health == .healthy)
    }

    @Test("keys from a JWKS file, and from jwks_url without discovery")
    func otherKeySources() async throws {
        let provider = try await OIDCProvider.start()
        defer { provider.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID()).json")
        try await provider.jwks.write(to: file)
        let fromFile = Self.verifier(provider, keys: .file(file.path))
        #expect(try await fromFile.verify(try await provider.token(alg: "EdDSA")).subject == "tester")
        let fromURL = Self.verifier(provider, keys: .url(provider.issuer + "/jwks"))
        #expect(try await fromURL.verify(try await provider.token()).subject == "tester")
    }
}
