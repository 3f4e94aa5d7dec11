import GRPCCore
import PrismAPI
import PrismFilter
import SwiftProtobuf

extension PrismClient {
    /// Registers (or with `replace`, re-registers) an identity; `ttl` nil uses the namespace default.
    @discardableResult
    public func register(_ identity: String, metadata: JSONObject = [:], ttl: Duration? = nil, replace: Bool = false)
        async throws(PrismClientError) -> Prism_Registry_V1_RegisterResponse
    {
        let request = Prism_Registry_V1_RegisterRequest(
            namespace: namespace, identity: identity, metadata: metadata, ttl: ttl, replace: replace)
        return try await call { try await registry.register(request, options: unaryOptions) }
    }

    /// Renews the TTL, optionally merging a metadata patch (null deletes a key).
    @discardableResult
    public func heartbeat(_ identity: String, ttl: Duration? = nil, metadataPatch: JSONObject? = nil)
        async throws(PrismClientError) -> Prism_Registry_V1_Identity
    {
        let request = Prism_Registry_V1_HeartbeatRequest(
            namespace: namespace, identity: identity, ttl: ttl, metadataPatch: metadataPatch)
        return try await call { try await registry.heartbeat(request, options: unaryOptions).identity }
    }

    /// - Returns: whether the identity was registered.
    @discardableResult
    public func unregister(_ identity: String) async throws(PrismClientError) -> Bool {
        var request = Prism_Registry_V1_UnregisterRequest()
        request.namespace = namespace
        request.identity = identity
        return try await call { try await registry.unregister(request, options: unaryOptions).removed }
    }

    public func get(_ identity: String) async throws(PrismClientError) -> Prism_Registry_V1_Identity {
        var request = Prism_Registry_V1_GetRequest()
        request.namespace = namespace
        request.identity = identity
        return try await call { try await registry.get(request, options: unaryOptions).identity }
    }

    public func listPatterns() async throws(PrismClientError) -> [Prism_Registry_V1_Pattern] {
        try await call {
            try await admin.listPatterns(Prism_Registry_V1_ListPatternsRequest(), options: unaryOptions).patterns
        }
    }

    public func stats() async throws(PrismClientError) -> Prism_Registry_V1_StatsResponse {
        var request = Prism_Registry_V1_StatsRequest()
        request.namespace = namespace
        return try await call { try await admin.stats(request, options: unaryOptions) }
    }
}

extension Prism_Registry_V1_Identity {
    /// The metadata as a JSON object (integral numbers come back as integers).
    public var metadataObject: JSONObject { JSONObject(protobuf: metadata) }
}
