import Foundation
import PrismAPI
import PrismFilter
import SwiftProtobuf

/// The one JSON shape of Prism's tools (`prism -o json|jsonl`, `prism-top --output json`), made for
/// scripts rather than for protobuf: every field is present (an empty list, 0, "" or null, never
/// left out), counts are numbers, whole numbers are integers, statuses and kinds are plain lowercase
/// words (`delivered`, `healthy`, `expired`), times are RFC 3339 UTC strings with milliseconds,
/// durations are milliseconds, payloads are text when they are UTF-8 (base64 on request or when they
/// are not), and object keys are sorted. The field names are the API's. `docs/tool-json.schema.json`
/// describes it, and the tests check the tools' output against it.
public enum ToolJSON {
    public static func identity(_ identity: Prism_Registry_V1_Identity) -> Value {
        object([
            "identity": .string(identity.identity),
            "metadata": .object(JSONObject(protobuf: identity.metadata)),
            "registered_at": timestamp(identity.hasRegisteredAt ? identity.registeredAt : nil),
            "updated_at": timestamp(identity.hasUpdatedAt ? identity.updatedAt : nil),
            "expires_at": timestamp(identity.hasExpiresAt ? identity.expiresAt : nil),
        ])
    }

    /// Enumerate's answer: the identities of one page, or of every page followed (`next_cursor` "").
    public static func enumeration(
        _ identities: [Prism_Registry_V1_Identity], totalCount: UInt64, nextCursor: String
    ) -> Value {
        object([
            "identities": .array(identities.map(identity)),
            "total_count": count(totalCount),
            "next_cursor": .string(nextCursor),
        ])
    }

    public static func registration(_ response: Prism_Registry_V1_RegisterResponse) -> Value {
        object(["identity": identity(response.identity), "replaced": .bool(response.replaced)])
    }

    public static func removal(identity name: String, removed: Bool) -> Value {
        object(["identity": .string(name), "removed": .bool(removed)])
    }

    public static func multicast(_ response: Prism_Registry_V1_MulticastResponse, base64: Bool = false) -> Value {
        object([
            "multicast_id": .string(response.multicastID),
            "target_count": count(response.targetCount),
            "delivered_count": count(response.deliveredCount),
            "failed_count": count(response.failedCount),
            "timeout_count": count(response.timeoutCount),
            "pending_count": count(response.pendingCount),
            "latency_ms": milliseconds(response.latency),
            "statuses": .array(response.statuses.map { status($0, base64: base64) }),
        ])
    }

    public static func status(_ status: Prism_Registry_V1_DeliveryStatus, base64: Bool = false) -> Value {
        object([
            "identity": .string(status.identity),
            "status": .string(word(status.status)),
            "error": .string(status.error),
            "reply": payload(status.reply, base64: base64),
        ])
    }

    public static func event(_ event: Prism_Registry_V1_Event) -> Value {
        object([
            "revision": count(event.revision),
            "kind": .string(word(event.kind)),
            "namespace": .string(event.namespace),
            "timestamp": timestamp(event.hasTimestamp ? event.timestamp : nil),
            "identity": event.hasIdentity ? identity(event.identity) : .null,
            "multicast": event.hasMulticast ? multicastSummary(event.multicast) : .null,
        ])
    }

    public static func multicastSummary(_ summary: Prism_Registry_V1_MulticastSummary) -> Value {
        object([
            "multicast_id": .string(summary.multicastID),
            "filter": .string(summary.filter),
            "target_count": count(summary.targetCount),
            "delivered_count": count(summary.deliveredCount),
            "failed_count": count(summary.failedCount),
            "timeout_count": count(summary.timeoutCount),
            "latency_ms": milliseconds(summary.latency),
            "failed_targets": .array(summary.failedTargets.map { status($0) }),
        ])
    }

    public static func message(_ message: Prism_Registry_V1_SubscribedMessage, base64: Bool = false) -> Value {
        object([
            "message_id": .string(message.messageID),
            "multicast_id": .string(message.multicastID),
            "identity": .string(message.identity),
            "namespace": .string(message.namespace),
            "content_type": .string(message.contentType),
            "ack_requested": .bool(message.ackRequested),
            "payload": payload(message.payload, base64: base64),
            "payload_encoding": .string(
                base64 || String(validating: message.payload, as: UTF8.self) == nil
                    ? "base64" : "utf-8"),
        ])
    }

    public static func pattern(_ pattern: Prism_Registry_V1_Pattern) -> Value {
        object([
            "namespace": .string(pattern.namespace),
            "pattern": .string(pattern.pattern),
            "lifecycle": .string(word(pattern.lifecycle)),
            "health": .string(word(pattern.health)),
            "identities": count(pattern.identities),
            "registry": slot(pattern.registry),
            "messaging": slot(pattern.messaging),
        ])
    }

    public static func slot(_ slot: Prism_Registry_V1_Slot) -> Value {
        object(["backend": .string(slot.backend), "health": .string(word(slot.health)), "detail": .string(slot.detail)])
    }

    // MARK: Parts

    /// `STATUS_DELIVERED` → `delivered`, `HEALTH_HEALTHY` → `healthy`, `EVENT_KIND_EXPIRED` → `expired`.
    public static func word(_ value: some SwiftProtobuf.Enum) -> String {
        let name = "\(value)"
        // Swift's case names are the proto names without their prefix, in lowerCamelCase.
        return name.unicodeScalars.reduce(into: "") { word, scalar in
            if CharacterSet.uppercaseLetters.contains(scalar) {
                word += "_" + String(scalar).lowercased()
            } else {
                word.unicodeScalars.append(scalar)
            }
        }
    }

    static func count(_ value: some BinaryInteger) -> Value {
        .int(Int64(clamping: value))
    }

    static func milliseconds(_ duration: Google_Protobuf_Duration) -> Value {
        let value = Double(duration.seconds) * 1000 + Double(duration.nanos) / 1_000_000
        return value.rounded() == value ? .int(Int64(value)) : .double(value)
    }

    static func timestamp(_ timestamp: Google_Protobuf_Timestamp?) -> Value {
        guard let timestamp else { return .null }
        return time(Double(timestamp.seconds) + Double(timestamp.nanos) / 1e9)
    }

    /// Seconds since 1970 as RFC 3339 UTC with milliseconds: `2026-12-02T06:30:00.123Z`.
    public static func time(_ secondsSince1970: Double) -> Value {
        let date = Date(timeIntervalSince1970: secondsSince1970)
        return .string(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)) + "Z")
    }

    static func payload(_ bytes: Data, base64: Bool) -> Value {
        if !base64, let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
        return .string(bytes.base64EncodedString())
    }

    static func object(_ members: KeyValuePairs<String, Value>) -> Value {
        .object(JSONObject(members.map { ($0.key, $0.value) }))
    }
}
