import Foundation
import GRPCCore
import PrismAPI
import SwiftProtobuf

/// A multicast as the caller describes it.
public struct MulticastOptions: Sendable {
    /// Text or map-form filter; required unless `all`.
    public var filter: String?
    public var all: Bool
    public var payload: [UInt8]
    public var contentType: String
    /// Wait for each target's ack (up to `ackTimeout`) instead of at-most-once delivery.
    public var ack: Bool
    public var ackTimeout: Duration
    /// Refuse when more identities match; nil means no limit.
    public var maxTargets: Int?
    public var dryRun: Bool

    public init(
        filter: String?, all: Bool = false, payload: [UInt8], contentType: String = "application/octet-stream",
        ack: Bool = false, ackTimeout: Duration = .seconds(5), maxTargets: Int? = nil, dryRun: Bool = false
    ) {
        self.filter = filter
        self.all = all
        self.payload = payload
        self.contentType = contentType
        self.ack = ack
        self.ackTimeout = ackTimeout
        self.maxTargets = maxTargets
        self.dryRun = dryRun
    }
}

extension PrismClient {
    /// The largest multicast report the client reads: 100,000 targets with a 2 KiB reply each.
    public static let maxReportBytes = 256 * 1024 * 1024

    public func multicast(_ options: MulticastOptions) async throws(PrismClientError)
        -> Prism_Registry_V1_MulticastResponse
    {
        var request = Prism_Registry_V1_MulticastRequest()
        request.namespace = namespace
        request.filter = options.filter ?? ""
        request.all = options.all
        request.payload = Data(options.payload)
        request.contentType = options.contentType
        request.delivery = options.ack ? .ack : .atMostOnce
        request.ackTimeout = Google_Protobuf_Duration(duration: options.ackTimeout)
        request.maxTargets = UInt32(clamping: options.maxTargets ?? 0)
        request.dryRun = options.dryRun
        var callOptions = unaryOptions
        callOptions.timeout = callTimeout.map { $0 + (options.ack ? options.ackTimeout : .zero) }
        // The report lists every target with its reply (up to 4 KiB each); gRPC's default 4 MiB would
        // refuse a report to some 40,000 devices that answered a `read`.
        callOptions.maxResponseMessageBytes = Self.maxReportBytes
        return try await call { try await registry.multicast(request, options: callOptions) }
    }

    /// Acknowledges a message received with `ackRequested`; a non-nil `error` reports FAILED. `reply` (at
    /// most 4 KiB) reaches the sender in the message's delivery status.
    public func ack(messageID: String, error: String? = nil, reply: [UInt8] = []) async throws(PrismClientError) {
        var request = Prism_Registry_V1_AckRequest()
        request.namespace = namespace
        request.messageID = messageID
        request.error = error ?? ""
        request.reply = Data(reply)
        _ = try await call { try await registry.ack(request, options: unaryOptions) }
    }
}
