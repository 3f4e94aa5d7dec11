import PrismDurations
import PrismFilter

/// A multicast as the API asks for it.
public struct MulticastRequest: Sendable {
    public enum Delivery: String, Sendable {
        /// DELIVERED means the messaging backend accepted the message.
        case atMostOnce = "at-most-once"
        /// DELIVERED means the receiver acknowledged before the deadline.
        case ack
    }

    /// Text or map-form filter. Blank is refused unless ``all`` is set, so an empty filter can never
    /// message every identity by accident.
    public var filter: String?
    /// Explicitly target every identity.
    public var all: Bool
    public var payload: [UInt8]
    public var contentType: String
    public var delivery: Delivery
    /// How long ack mode waits for acks.
    public var ackTimeout: Duration
    /// Refuse (RESOURCE_EXHAUSTED) when the filter selects more identities than this.
    public var maxTargets: Int?
    /// Only count the targets; send nothing.
    public var dryRun: Bool

    public init(
        filter: String?, all: Bool = false, payload: [UInt8], contentType: String = "application/octet-stream",
        delivery: Delivery = .atMostOnce, ackTimeout: Duration = .seconds(5), maxTargets: Int? = nil,
        dryRun: Bool = false
    ) {
        self.filter = filter
        self.all = all
        self.payload = payload
        self.contentType = contentType
        self.delivery = delivery
        self.ackTimeout = ackTimeout
        self.maxTargets = maxTargets
        self.dryRun = dryRun
    }
}

/// What a multicast did, per identity and in total.
public struct MulticastReport: Sendable {
    public var multicastID: String
    public var targetCount: Int
    public var deliveredCount: Int
    public var failedCount: Int
    public var timeoutCount: Int
    public var pendingCount: Int
    /// From the request to the last outcome.
    public var latency: Duration
    /// One per target, in target order; empty for a dry run.
    public var statuses: [DeliveryResult]
}

extension Coordinator {
    /// Sends a message to every identity the filter selects at this instant.
    public func multicast(_ request: MulticastRequest) async throws(RegistryError) -> MulticastReport {
        try requireRunning()
        let started = ContinuousClock.now
        let filter = try parseFilter(request.filter)
        if filter == nil || filter?.matchesEverything == true, !request.all {
            throw RegistryError(
                .invalidArgument, "refusing to multicast with an empty filter; give a filter, or set all")
        }
        if let maxTargets = request.maxTargets, maxTargets < 0 {
            throw RegistryError(.invalidArgument, "max_targets must not be negative")
        }
        if request.delivery == .ack, request.ackTimeout <= .zero {
            throw RegistryError(.invalidArgument, "ack timeout must be positive, got \(request.ackTimeout.written)")
        }
        let now = clock.now()
        let selector = request.all && filter == nil ? nil : filter
        let targets = try await registry.targets(
            matching: selector, limit: request.maxTargets.map { $0 + 1 }, now: now)
        if let maxTargets = request.maxTargets, targets.count > maxTargets {
            // Only a refusal pays for the count.
            let matched = try await registry.enumerate(
                EnumerationQuery(filter: selector, limit: 1, includeMetadata: false), now: now
            ).totalCount
            throw RegistryError(
                .resourceExhausted,
                "the filter selects \(matched) identities, more than max_targets (\(maxTargets)); narrow it or "
                    + "raise the limit")
        }
        let multicastID = MessageID.make()
        if request.dryRun {
            return MulticastReport(
                multicastID: multicastID, targetCount: targets.count, deliveredCount: 0, failedCount: 0,
                timeoutCount: 0, pendingCount: 0, latency: ContinuousClock.now - started, statuses: [])
        }
        try messaging.requireAvailable()
        let statuses = await fanOut(to: targets, request: request, multicastID: multicastID)
        let latency = ContinuousClock.now - started
        let report = Self.report(multicastID: multicastID, statuses: statuses, latency: latency)
        record(report, filter: selector)
        return report
    }

    /// Publishes in batches, a bounded number in flight, keeping target order in the result.
    private func fanOut(to targets: [String], request: MulticastRequest, multicastID: String) async -> [DeliveryResult]
    {
        let batchSize = max(1, settings.multicastBatchSize)
        let batches = stride(from: 0, to: targets.count, by: batchSize).map {
            Array(targets[$0..<min($0 + batchSize, targets.count)])
        }
        let namespace = name
        let messaging = self.messaging
        var results = [[DeliveryResult]](repeating: [], count: batches.count)
        await withTaskGroup(of: (Int, [DeliveryResult]).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                let messages = batches[index].map { identity in
                    OutboundMessage(
                        identity: identity, messageID: MessageID.make(), multicastID: multicastID,
                        namespace: namespace, payload: request.payload, contentType: request.contentType)
                }
                group.addTask {
                    switch request.delivery {
                    case .atMostOnce: (index, await messaging.publish(messages))
                    case .ack: (index, await messaging.request(messages, timeout: request.ackTimeout))
                    }
                }
            }
            // Ack mode waits on every batch at once (one deadline for all); at-most-once bounds the
            // batches in flight so a huge fan-out does not queue everything at once.
            let inFlight = request.delivery == .ack ? batches.count : max(1, settings.multicastConcurrency)
            while next < min(inFlight, batches.count) { launch() }
            for await (index, batchResults) in group {
                results[index] = batchResults
                if next < batches.count { launch() }
            }
        }
        return results.flatMap { $0 }
    }

    private static func report(multicastID: String, statuses: [DeliveryResult], latency: Duration) -> MulticastReport {
        var counts: [DeliveryStatus: Int] = [:]
        for status in statuses { counts[status.status, default: 0] += 1 }
        return MulticastReport(
            multicastID: multicastID, targetCount: statuses.count, deliveredCount: counts[.delivered] ?? 0,
            failedCount: counts[.failed] ?? 0, timeoutCount: counts[.timeout] ?? 0,
            pendingCount: counts[.pending] ?? 0, latency: latency, statuses: statuses)
    }

    private func record(_ report: MulticastReport, filter: Filter?) {
        stats.count { counters in
            counters.multicasts += 1
            counters.targets += report.targetCount
            counters.delivered += report.deliveredCount
            counters.failed += report.failedCount
            counters.timeouts += report.timeoutCount
        }
        stats.recordMulticast(report.latency)
        let summary = MulticastSummary(
            multicastID: report.multicastID, filter: filter?.description ?? "", targetCount: report.targetCount,
            deliveredCount: report.deliveredCount, failedCount: report.failedCount,
            timeoutCount: report.timeoutCount, latency: report.latency,
            failedTargets: Array(report.statuses.lazy.filter { $0.status != .delivered }.prefix(100)))
        events.publish(.multicast, identity: nil, multicast: summary, at: clock.now())
    }
}
