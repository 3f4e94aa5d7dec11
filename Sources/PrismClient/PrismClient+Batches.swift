import Foundation
import GRPCCore
import PrismAPI
import PrismFilter
import SwiftProtobuf

/// One acknowledgement of a batch: like ``PrismClient/ack(messageID:error:reply:)``'s arguments.
public struct Acknowledgement: Sendable {
    public var messageID: String
    /// Non-nil reports FAILED with this text.
    public var error: String?
    /// At most 4 KiB, reported to the sender.
    public var reply: [UInt8]

    public init(messageID: String, error: String? = nil, reply: [UInt8] = []) {
        self.messageID = messageID
        self.error = error
        self.reply = reply
    }
}

/// One heartbeat of a batch: like ``PrismClient/heartbeat(_:ttl:metadataPatch:)``'s arguments.
public struct HeartbeatRenewal: Sendable {
    public var identity: String
    /// nil renews for the namespace's default TTL, as ``PrismClient/heartbeat(_:ttl:metadataPatch:)`` does.
    public var ttl: Duration?
    /// Merged into the metadata (null deletes a key).
    public var metadataPatch: JSONObject?

    public init(identity: String, ttl: Duration? = nil, metadataPatch: JSONObject? = nil) {
        self.identity = identity
        self.ttl = ttl
        self.metadataPatch = metadataPatch
    }
}

/// Batches are what a gateway, or a link carrying many devices, uses instead of one call per device:
/// each item gets its own outcome, and the call throws only when it failed as a whole.
extension PrismClient {
    /// Acknowledges up to 10,000 messages in one call. Returns, in order, nil for each ack accepted, else
    /// why not (NOT_FOUND when the sender stopped waiting).
    public func ack(_ acknowledgements: [Acknowledgement]) async throws(PrismClientError) -> [PrismClientError?] {
        var request = Prism_Registry_V1_AckBatchRequest()
        request.namespace = namespace
        request.acks = acknowledgements.map { acknowledgement in
            var ack = Prism_Registry_V1_AckRequest()
            ack.messageID = acknowledgement.messageID
            ack.error = acknowledgement.error ?? ""
            ack.reply = Data(acknowledgement.reply)
            return ack
        }
        let response = try await call { try await registry.ackBatch(request, options: unaryOptions) }
        return try Self.outcomes(response.results.map { ($0.code, $0.message) }, expected: acknowledgements.count)
    }

    /// Renews up to 10,000 identities in one call. Returns, in order, nil for each one renewed, else why
    /// not (NOT_FOUND when it is not registered, e.g. it expired: register it again).
    public func heartbeat(_ renewals: [HeartbeatRenewal]) async throws(PrismClientError) -> [PrismClientError?] {
        var request = Prism_Registry_V1_HeartbeatBatchRequest()
        request.namespace = namespace
        // Each heartbeat's own namespace is ignored in a batch, so it is left empty.
        request.heartbeats = renewals.map { renewal in
            Prism_Registry_V1_HeartbeatRequest(
                namespace: "", identity: renewal.identity, ttl: renewal.ttl, metadataPatch: renewal.metadataPatch)
        }
        let response = try await call { try await registry.heartbeatBatch(request, options: unaryOptions) }
        return try Self.outcomes(response.results.map { ($0.code, $0.message) }, expected: renewals.count)
    }

    private static func outcomes(_ results: [(code: Int32, message: String)], expected: Int) throws(PrismClientError)
        -> [PrismClientError?]
    {
        guard results.count == expected else {
            throw .rejected(
                code: .internalError, message: "prismd answered \(results.count) results for \(expected) items")
        }
        return results.map { result in
            guard result.code != 0 else { return nil }
            let code = Status.Code(rawValue: Int(result.code)).flatMap(RPCError.Code.init) ?? .unknown
            return .rejected(code: code, message: result.message)
        }
    }
}
