import Foundation
import PrismAPI
import PrismFilter
import PrismRegistry
import SwiftProtobuf

/// Registry model ↔ API messages.
extension Prism_Registry_V1_Identity {
    init(_ identity: Identity, includeMetadata: Bool = true) {
        self.init()
        self.identity = identity.name
        if includeMetadata { metadata = identity.metadata.protobufStruct }
        registeredAt = Google_Protobuf_Timestamp(unixMilliseconds: identity.registeredAt.milliseconds)
        updatedAt = Google_Protobuf_Timestamp(unixMilliseconds: identity.updatedAt.milliseconds)
        if let expiresAt = identity.expiresAt {
            self.expiresAt = Google_Protobuf_Timestamp(unixMilliseconds: expiresAt.milliseconds)
        }
    }
}

extension Prism_Registry_V1_DeliveryStatus {
    init(_ result: DeliveryResult) {
        self.init()
        identity = result.identity
        status =
            switch result.status {
            case .delivered: .delivered
            case .pending: .pending
            case .failed: .failed
            case .timeout: .timeout
            }
        error = result.error ?? ""
        reply = Data(result.reply)
    }
}

extension Prism_Registry_V1_MulticastResponse {
    init(_ report: MulticastReport) {
        self.init()
        multicastID = report.multicastID
        targetCount = UInt32(clamping: report.targetCount)
        deliveredCount = UInt32(clamping: report.deliveredCount)
        failedCount = UInt32(clamping: report.failedCount)
        timeoutCount = UInt32(clamping: report.timeoutCount)
        pendingCount = UInt32(clamping: report.pendingCount)
        latency = Google_Protobuf_Duration(duration: report.latency)
        statuses = report.statuses.map(Prism_Registry_V1_DeliveryStatus.init)
    }
}

extension Prism_Registry_V1_Event {
    init(_ event: RegistryEvent) {
        self.init()
        revision = event.revision
        kind =
            switch event.kind {
            case .registered: .registered
            case .updated: .updated
            case .heartbeat: .heartbeat
            case .unregistered: .unregistered
            case .expired: .expired
            case .multicast: .multicast
            }
        namespace = event.namespace
        timestamp = Google_Protobuf_Timestamp(unixMilliseconds: event.timestamp.milliseconds)
        if let identity = event.identity { self.identity = Prism_Registry_V1_Identity(identity) }
        if let summary = event.multicast {
            var multicast = Prism_Registry_V1_MulticastSummary()
            multicast.multicastID = summary.multicastID
            multicast.filter = summary.filter
            multicast.targetCount = UInt32(clamping: summary.targetCount)
            multicast.deliveredCount = UInt32(clamping: summary.deliveredCount)
            multicast.failedCount = UInt32(clamping: summary.failedCount)
            multicast.timeoutCount = UInt32(clamping: summary.timeoutCount)
            multicast.latency = Google_Protobuf_Duration(duration: summary.latency)
            multicast.failedTargets = summary.failedTargets.map(Prism_Registry_V1_DeliveryStatus.init)
            self.multicast = multicast
        }
    }
}

extension Prism_Registry_V1_SubscribedMessage {
    init(_ inbound: InboundMessage) {
        self.init()
        messageID = inbound.message.messageID
        multicastID = inbound.message.multicastID
        identity = inbound.message.identity
        namespace = inbound.message.namespace
        payload = inbound.message.payload.withUnsafeBufferPointer { Data(buffer: $0) }
        contentType = inbound.message.contentType
        ackRequested = inbound.ackRequested
    }
}

extension Prism_Registry_V1_Health {
    init(_ status: HealthStatus) {
        self =
            switch status {
            case .healthy: .healthy
            case .degraded: .degraded
            case .unhealthy: .unhealthy
            }
    }
}

extension Prism_Registry_V1_Lifecycle {
    init(_ lifecycle: Lifecycle) {
        self =
            switch lifecycle {
            case .starting: .starting
            case .running: .running
            case .stopping: .stopping
            case .stopped: .stopped
            case .failed: .failed
            }
    }
}

extension Prism_Registry_V1_Counters {
    init(_ counters: StatsSnapshot.Counters) {
        self.init()
        registrations = UInt64(counters.registrations)
        updates = UInt64(counters.updates)
        heartbeats = UInt64(counters.heartbeats)
        unregistrations = UInt64(counters.unregistrations)
        expirations = UInt64(counters.expirations)
        enumerations = UInt64(counters.enumerations)
        multicasts = UInt64(counters.multicasts)
        targets = UInt64(counters.targets)
        delivered = UInt64(counters.delivered)
        failed = UInt64(counters.failed)
        timeouts = UInt64(counters.timeouts)
    }
}

extension Prism_Registry_V1_Latency {
    init(_ latency: StatsSnapshot.Latency) {
        self.init()
        count = latency.count
        p50Us = latency.p50
        p99Us = latency.p99
        maxUs = latency.max
    }
}
