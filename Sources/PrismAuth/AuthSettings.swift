/// How prismd checks the tokens its callers send (the `auth:` section of the config).
///
/// ```yaml
/// auth:
///   issuer: https://login.example.com/realms/iot   # the tokens' iss, and where discovery is
///   audience: prism                               # a token's aud must name it
///   jwks_url: https://login.example.com/certs     # or jwks_file: FILE; neither: the discovery document's
///   clock_skew: 60s                               # leeway on exp and nbf
/// ```
public struct AuthSettings: Sendable, Equatable {
    /// Where the issuer's public keys come from.
    public enum KeySource: Sendable, Equatable {
        /// `<issuer>/.well-known/openid-configuration` names the `jwks_uri`.
        case discovery
        case url(String)
        case file(String)
    }

    public var issuer: String
    public var audience: String
    public var keys: KeySource
    public var clockSkew: Duration
    /// A token signed with a key the set does not hold makes prismd fetch the set again (the issuer
    /// rotated its keys), at most once per this interval, so that made-up `kid`s cannot flood the issuer.
    public var refetchInterval: Duration

    public init(
        issuer: String, audience: String, keys: KeySource = .discovery, clockSkew: Duration = .seconds(60),
        refetchInterval: Duration = .seconds(10)
    ) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.clockSkew = clockSkew
        self.refetchInterval = refetchInterval
    }
}
