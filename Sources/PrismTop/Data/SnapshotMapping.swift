import PrismAPI
import PrismClient
import PrismFilter
import SwiftProtobuf

/// API messages to prism-top's rows.
enum SnapshotMapping {
    static func health(_ health: Prism_Registry_V1_Health) -> HealthLevel {
        switch health {
        case .healthy: .healthy
        case .degraded: .degraded
        case .unhealthy: .unhealthy
        default: .unknown
        }
    }

    static func pattern(_ pattern: Prism_Registry_V1_Pattern) -> PatternRow {
        PatternRow(
            namespace: pattern.namespace, pattern: pattern.pattern,
            lifecycle: String(describing: pattern.lifecycle).uppercased(), health: health(pattern.health),
            registryBackend: pattern.registry.backend, registryHealth: health(pattern.registry.health),
            messagingBackend: pattern.messaging.backend, messagingHealth: health(pattern.messaging.health),
            identities: Int(pattern.identities), fanoutPerSecond: pattern.rates.fanoutPerSecond,
            multicastsPerMinute: pattern.rates.multicastsPerMinute,
            // The ratio covers the rate window; with no fan-out in it there is nothing to show.
            deliveryRatio: pattern.rates.fanoutPerSecond > 0 ? pattern.rates.deliveryRatio : nil)
    }

    static func identity(_ identity: Prism_Registry_V1_Identity, namespace: String) -> IdentityRow {
        IdentityRow(
            namespace: namespace, identity: identity.identity, registeredAt: seconds(identity.registeredAt),
            updatedAt: identity.hasUpdatedAt ? seconds(identity.updatedAt) : nil,
            expiresAt: identity.hasExpiresAt ? seconds(identity.expiresAt) : nil,
            metadata: MetadataText.pairs(identity.metadataObject), metadataObject: identity.metadataObject)
    }

    static func multicast(_ event: Prism_Registry_V1_Event) -> MulticastRow {
        let summary = event.multicast
        return MulticastRow(
            at: seconds(event.timestamp), namespace: event.namespace, filter: summary.filter,
            targets: Int(summary.targetCount), delivered: Int(summary.deliveredCount),
            failed: Int(summary.failedCount), timeout: Int(summary.timeoutCount),
            latencyMilliseconds: Double(summary.latency.seconds) * 1000 + Double(summary.latency.nanos) / 1e6,
            failedTargets: summary.failedTargets.map { target in
                FailedTarget(
                    identity: target.identity, status: String(describing: target.status).uppercased(),
                    error: target.error)
            }, id: summary.multicastID)
    }

    /// An identity's event for the detail pane, its kind as a word (`heartbeat` becomes `HEARTBEAT`).
    static func identityEvent(_ event: Prism_Registry_V1_Event) -> IdentityEvent {
        IdentityEvent(at: seconds(event.timestamp), kind: String(describing: event.kind).uppercased())
    }

    static func seconds(_ timestamp: Google_Protobuf_Timestamp) -> Double {
        Double(timestamp.seconds) + Double(timestamp.nanos) / 1e9
    }
}
