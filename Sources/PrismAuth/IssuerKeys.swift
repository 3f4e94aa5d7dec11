import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore

/// The issuer's public keys, fetched (or read) once and again when a token names a key they lack. While
/// the issuer cannot be reached, the keys fetched last keep working, and ``health`` says so.
public actor IssuerKeys {
    public enum Health: Sendable, Equatable {
        case healthy
        /// Keys are in hand, but the last fetch failed: why.
        case degraded(String)
        /// No keys at all: every token is refused. Why.
        case unhealthy(String)
    }

    private let settings: AuthSettings
    private let http: HTTPClient
    private var collection: JWTKeyCollection?
    private var kids: Set<String> = []
    private var lastAttempt: ContinuousClock.Instant?
    private var lastError: String?

    public init(settings: AuthSettings, http: HTTPClient = .shared) {
        self.settings = settings
        self.http = http
    }

    public var health: Health {
        switch (collection, lastError) {
        case (nil, let error): .unhealthy(error ?? "the issuer's keys have not been fetched yet")
        case (_, let error?): .degraded(error)
        case (_, nil): .healthy
        }
    }

    /// The keys, fetching them first if there are none yet.
    func current() async throws(AuthFailure) -> (keys: JWTKeyCollection, kids: Set<String>) {
        if collection == nil { await refresh() }
        guard let collection else {
            throw AuthFailure(
                .keysUnavailable, "prismd has no keys of the issuer to check tokens with: \(lastError ?? "")")
        }
        return (collection, kids)
    }

    /// Fetches the key set again unless that was tried within the refetch interval. Returns whether it did.
    @discardableResult
    public func refreshIfDue() async -> Bool {
        if let lastAttempt, ContinuousClock.now - lastAttempt < settings.refetchInterval { return false }
        await refresh()
        return true
    }

    /// Fetches the key set now. A failure keeps the keys in hand and is remembered for ``health``.
    public func refresh() async {
        lastAttempt = .now
        do {
            let (fresh, freshKids) = try await Self.collection(from: try await keySetJSON())
            collection = fresh
            kids = freshKids
            lastError = nil
        } catch {
            lastError = "cannot fetch the issuer's keys: \(error)"
        }
    }

    private func keySetJSON() async throws -> Data {
        switch settings.keys {
        case .file(let path):
            return try Data(contentsOf: URL(fileURLWithPath: path))
        case .url(let url):
            return try await get(url)
        case .discovery:
            let discoveryURL = settings.issuer.trimmingSuffix("/") + "/.well-known/openid-configuration"
            let document = try JSONDecoder().decode(Discovery.self, from: try await get(discoveryURL))
            // OpenID Connect Discovery §4.3: a document for another issuer must not be used.
            guard document.issuer.trimmingSuffix("/") == settings.issuer.trimmingSuffix("/") else {
                throw KeySetError("\(discoveryURL) is for issuer '\(document.issuer)', not '\(settings.issuer)'")
            }
            return try await get(document.jwksURI)
        }
    }

    private func get(_ url: String) async throws -> Data {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        guard response.status == .ok else { throw KeySetError("\(url) answered \(response.status)") }
        return Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
    }

    /// Every key of the set that jwt-kit can use; one it cannot (another key type) is left out rather
    /// than failing the whole set.
    private static func collection(from json: Data) async throws -> (JWTKeyCollection, Set<String>) {
        let set = try JSONDecoder().decode(JWKS.self, from: json)
        let collection = JWTKeyCollection()
        var kids: Set<String> = []
        for key in set.keys {
            guard (try? await collection.add(jwk: key)) != nil else { continue }
            if let kid = key.keyIdentifier?.string { kids.insert(kid) }
        }
        guard !set.keys.isEmpty else { throw KeySetError("the key set is empty") }
        return (collection, kids)
    }

    private struct Discovery: Decodable {
        var issuer: String
        var jwksURI: String

        enum CodingKeys: String, CodingKey {
            case issuer
            case jwksURI = "jwks_uri"
        }
    }
}

struct KeySetError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
