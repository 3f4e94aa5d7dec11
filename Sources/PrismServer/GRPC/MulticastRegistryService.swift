import Foundation
import GRPCCore
import PrismAPI
import PrismDurations
import PrismFilter
import PrismRegistry
import SwiftProtobuf

/// The `prism.registry.v1.MulticastRegistry` service over the namespaces' coordinators.
struct MulticastRegistryService: Prism_Registry_V1_MulticastRegistry.SimpleServiceProtocol {
    let observer: CallObserver
    let streams: StreamTracker

    func register(request: Prism_Registry_V1_RegisterRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_RegisterResponse
    {
        try await observer.observe("register", namespace: request.namespace, context: context) {
            runtime, _ in
            let ttl = request.hasTtl ? try Self.duration(request.ttl, field: "ttl") : nil
            let (identity, replaced) = try await runtime.coordinator.registerReportingReplacement(
                request.identity, metadata: JSONObject(protobuf: request.metadata), ttl: ttl, replace: request.replace)
            var response = Prism_Registry_V1_RegisterResponse()
            response.identity = Prism_Registry_V1_Identity(identity)
            response.replaced = replaced
            return response
        }
    }

    func heartbeat(request: Prism_Registry_V1_HeartbeatRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_HeartbeatResponse
    {
        try await observer.observe("heartbeat", namespace: request.namespace, context: context) {
            runtime, _ in
            let ttl = request.hasTtl ? try Self.duration(request.ttl, field: "ttl") : nil
            let patch = request.hasMetadataPatch ? JSONObject(protobuf: request.metadataPatch) : nil
            let identity = try await runtime.coordinator.heartbeat(request.identity, ttl: ttl, metadataPatch: patch)
            var response = Prism_Registry_V1_HeartbeatResponse()
            response.identity = Prism_Registry_V1_Identity(identity)
            return response
        }
    }

    func heartbeatBatch(request: Prism_Registry_V1_HeartbeatBatchRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_HeartbeatBatchResponse
    {
        try await observer.observe("heartbeat_batch", namespace: request.namespace, context: context) {
            runtime, _ in
            try Self.requireBatchSize(request.heartbeats.count, of: "heartbeats")
            // Concurrently, so that a registry which group-commits (SQLite) writes the batch in a few
            // transactions rather than one per heartbeat: measured at 2,000 heartbeats a second on SQLite,
            // prismd went from 76% to 60% of a core.
            let coordinator = runtime.coordinator
            var response = Prism_Registry_V1_HeartbeatBatchResponse()
            // One identity named twice is renewed in the batch's order, so the later patch wins.
            var positions: [String: [Int]] = [:]
            for (index, heartbeat) in request.heartbeats.enumerated() {
                positions[heartbeat.identity, default: []].append(index)
            }
            let heartbeats = request.heartbeats
            response.results = await withTaskGroup(of: [(Int, Prism_Registry_V1_HeartbeatResult)].self) { group in
                for indices in positions.values {
                    group.addTask {
                        var results: [(Int, Prism_Registry_V1_HeartbeatResult)] = []
                        for index in indices {
                            results.append((index, await Self.renew(heartbeats[index], on: coordinator)))
                        }
                        return results
                    }
                }
                var results = Array(repeating: Prism_Registry_V1_HeartbeatResult(), count: heartbeats.count)
                for await done in group {
                    for (index, result) in done { results[index] = result }
                }
                return results
            }
            return response
        }
    }

    private static func renew(_ heartbeat: Prism_Registry_V1_HeartbeatRequest, on coordinator: Coordinator) async
        -> Prism_Registry_V1_HeartbeatResult
    {
        var result = Prism_Registry_V1_HeartbeatResult()
        result.identity = heartbeat.identity
        do throws(RegistryError) {
            let ttl = heartbeat.hasTtl ? try duration(heartbeat.ttl, field: "ttl") : nil
            let patch = heartbeat.hasMetadataPatch ? JSONObject(protobuf: heartbeat.metadataPatch) : nil
            _ = try await coordinator.heartbeat(heartbeat.identity, ttl: ttl, metadataPatch: patch)
        } catch {
            let status = ErrorMapping.rpcError(error)
            result.code = Int32(status.code.rawValue)
            result.message = status.message
        }
        return result
    }

    func unregister(request: Prism_Registry_V1_UnregisterRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_UnregisterResponse
    {
        try await observer.observe("unregister", namespace: request.namespace, context: context) {
            runtime, _ in
            var response = Prism_Registry_V1_UnregisterResponse()
            response.removed = try await runtime.coordinator.unregister(request.identity)
            return response
        }
    }

    func get(request: Prism_Registry_V1_GetRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_GetResponse
    {
        try await observer.observe("get", namespace: request.namespace, context: context) {
            runtime, _ in
            var response = Prism_Registry_V1_GetResponse()
            response.identity = Prism_Registry_V1_Identity(try await runtime.coordinator.get(request.identity))
            return response
        }
    }

    func enumerate(request: Prism_Registry_V1_EnumerateRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_EnumerateResponse
    {
        let (page, includeMetadata) = try await enumeratePage(request, context: context)
        var response = Prism_Registry_V1_EnumerateResponse()
        response.identities = page.identities.map {
            Prism_Registry_V1_Identity($0, includeMetadata: includeMetadata)
        }
        response.totalCount = UInt64(page.totalCount)
        response.nextCursor = page.nextCursor?.token ?? ""
        return response
    }

    /// The page an Enumerate request asks for, and whether it carries metadata. Served on the wire by
    /// ``FastEnumerate``; ``enumerate(request:context:)`` builds the same response as generated messages.
    func enumeratePage(_ request: Prism_Registry_V1_EnumerateRequest, context: ServerContext) async throws
        -> (EnumerationPage, includeMetadata: Bool)
    {
        try await observer.observe("enumerate", namespace: request.namespace, context: context) {
            runtime, _ in
            guard request.limit <= EnumerateRequest.maxLimit else {
                throw RegistryError(
                    .invalidArgument, "limit \(request.limit) is above the maximum of \(EnumerateRequest.maxLimit)")
            }
            let includeMetadata = request.hasIncludeMetadata ? request.includeMetadata : true
            let page = try await runtime.coordinator.enumerate(
                EnumerateRequest(
                    filter: request.filter, limit: request.limit == 0 ? 100 : Int(request.limit),
                    cursor: request.cursor.isEmpty ? nil : request.cursor,
                    sortBy: request.sortBy.isEmpty ? nil : request.sortBy, descending: request.descending,
                    includeMetadata: includeMetadata))
            return (page, includeMetadata)
        }
    }

    func multicast(request: Prism_Registry_V1_MulticastRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_MulticastResponse
    {
        try await observer.observe("multicast", namespace: request.namespace, context: context) {
            runtime, log in
            let ackTimeout =
                request.hasAckTimeout ? try Self.duration(request.ackTimeout, field: "ack_timeout") : .seconds(5)
            guard ackTimeout > .zero || request.delivery != .ack else {
                throw RegistryError(.invalidArgument, "ack_timeout must be above zero in ack mode")
            }
            guard ackTimeout <= Self.maxAckTimeout else {
                throw RegistryError(
                    .invalidArgument,
                    "ack_timeout \(ackTimeout.written) is above the maximum of \(Self.maxAckTimeout.written)")
            }
            let report = try await runtime.coordinator.multicast(
                MulticastRequest(
                    filter: request.filter, all: request.all, payload: [UInt8](request.payload),
                    contentType: request.contentType.isEmpty ? "application/octet-stream" : request.contentType,
                    delivery: request.delivery == .ack ? .ack : .atMostOnce, ackTimeout: ackTimeout,
                    maxTargets: request.maxTargets == 0 ? nil : Int(request.maxTargets), dryRun: request.dryRun))
            observer.metrics.recordMulticast(namespace: runtime.name, report: report)
            log.logger.info(
                "multicast",
                metadata: [
                    "multicast_id": "\(report.multicastID)", "targets": "\(report.targetCount)",
                    "delivered": "\(report.deliveredCount)", "failed": "\(report.failedCount)",
                    "timeout": "\(report.timeoutCount)",
                ])
            return Prism_Registry_V1_MulticastResponse(report)
        }
    }

    func ack(request: Prism_Registry_V1_AckRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_AckResponse
    {
        try await observer.observe("ack", namespace: request.namespace, context: context) {
            runtime, _ in
            try await runtime.coordinator.acknowledge(
                messageID: request.messageID, error: request.error.isEmpty ? nil : request.error,
                reply: [UInt8](request.reply))
            return Prism_Registry_V1_AckResponse()
        }
    }

    func ackBatch(request: Prism_Registry_V1_AckBatchRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_AckBatchResponse
    {
        try await observer.observe("ack_batch", namespace: request.namespace, context: context) {
            runtime, _ in
            try Self.requireBatchSize(request.acks.count, of: "acks")
            var response = Prism_Registry_V1_AckBatchResponse()
            response.results.reserveCapacity(request.acks.count)
            for ack in request.acks {
                var result = Prism_Registry_V1_AckResult()
                result.messageID = ack.messageID
                do throws(RegistryError) {
                    try await runtime.coordinator.acknowledge(
                        messageID: ack.messageID, error: ack.error.isEmpty ? nil : ack.error, reply: [UInt8](ack.reply))
                } catch {
                    let status = ErrorMapping.rpcError(error)
                    result.code = Int32(status.code.rawValue)
                    result.message = status.message
                }
                response.results.append(result)
            }
            return response
        }
    }

    /// Items in one AckBatch or HeartbeatBatch: enough for a gateway, small enough to answer quickly.
    static let maxBatch = 10_000

    static func requireBatchSize(_ count: Int, of items: String) throws(RegistryError) {
        guard count <= maxBatch else {
            throw RegistryError(.invalidArgument, "\(count) \(items) in one batch; at most \(maxBatch)")
        }
    }

    /// protobuf's own limit for a Duration: about 10,000 years.
    static let maxDurationSeconds: Int64 = 315_576_000_000
    /// Graceful shutdown waits for calls in flight, so one multicast must not hold it for hours.
    static let maxAckTimeout = Duration.seconds(300)

    static func duration(_ duration: Google_Protobuf_Duration, field: String) throws(RegistryError) -> Duration {
        guard duration.seconds >= 0, duration.nanos >= 0 else {
            throw RegistryError(.invalidArgument, "\(field) must not be negative")
        }
        guard duration.seconds <= maxDurationSeconds, duration.nanos < 1_000_000_000 else {
            throw RegistryError(.invalidArgument, "\(field) is out of range (at most \(maxDurationSeconds) seconds)")
        }
        return duration.swiftDuration
    }
}
