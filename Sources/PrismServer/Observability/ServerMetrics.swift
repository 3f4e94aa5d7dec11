import CoreMetrics
import Metrics
import PrismRegistry
import Prometheus
import Synchronization

/// prismd's Prometheus metrics, through swift-metrics with a factory of its own (no global bootstrap,
/// so several servers can live in one test process).
///
/// - `prism_operations_total{namespace,op,code}`: every API call by outcome.
/// - `prism_operation_duration_seconds{namespace,op}`: latency histogram.
/// - `prism_multicast_targets_total{namespace}`, `prism_multicast_deliveries_total{namespace,status}`.
/// - `prism_identities{namespace}`, `prism_slot_health{namespace,slot,backend}` (0 healthy, 1 degraded,
///   2 unhealthy), `prism_namespace_running{namespace}`: refreshed on each scrape.
/// - `prism_session_requests_total{op,outcome}`: requests on Session streams, `ok` or `failed`.
/// - `prism_grpc_stream_resets_total{outcome}`: clients' stream resets, `absorbed` or `over_budget`.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let counters = MetricCache<CoreMetrics.Counter>()
    private let timers = MetricCache<CoreMetrics.Timer>()
    private let gauges = MetricCache<CoreMetrics.Gauge>()
    private let operations = Mutex<[OperationKey: OperationHandles]>([:])
    private let sessionCounters: [String: (ok: CoreMetrics.Counter, failed: CoreMetrics.Counter)]

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
            .seconds(10),
        ]
        self.factory = factory
        var sessionCounters: [String: (ok: CoreMetrics.Counter, failed: CoreMetrics.Counter)] = [:]
        for kind in ["register", "heartbeat", "unregister", "ack", "subscribe", "empty"] {
            let make = { (outcome: String) in
                CoreMetrics.Counter(
                    label: "prism_session_requests_total", dimensions: [("op", kind), ("outcome", outcome)],
                    factory: factory)
            }
            sessionCounters[kind] = (make("ok"), make("failed"))
        }
        self.sessionCounters = sessionCounters
    }

    func recordOperation(namespace: String, op: String, code: String, duration: Duration) {
        let key = OperationKey(namespace: namespace, op: op, code: code)
        let handles = operations.withLock { $0[key] } ?? makeOperationHandles(key)
        handles.calls.increment()
        handles.duration.record(duration: duration)
    }

    /// Every API call records two metrics; their handles are found by a key of three short strings
    /// rather than through ``MetricCache``'s joined label, which allocated on every call.
    private struct OperationKey: Hashable {
        var namespace: String
        var op: String
        var code: String
    }

    private struct OperationHandles {
        var calls: CoreMetrics.Counter
        var duration: CoreMetrics.Timer
    }

    private func makeOperationHandles(_ key: OperationKey) -> OperationHandles {
        let handles = OperationHandles(
            calls: counter(
                "prism_operations_total", [("namespace", key.namespace), ("op", key.op), ("code", key.code)]),
            duration: timer("prism_operation_duration_seconds", [("namespace", key.namespace), ("op", key.op)]))
        operations.withLock { $0[key] = handles }
        return handles
    }

    func recordMulticast(namespace: String, report: MulticastReport) {
        counter("prism_multicast_targets_total", [("namespace", namespace)]).increment(by: report.targetCount)
        for (status, count) in [
            ("delivered", report.deliveredCount), ("failed", report.failedCount), ("timeout", report.timeoutCount),
            ("pending", report.pendingCount),
        ] where count > 0 {
            counter("prism_multicast_deliveries_total", [("namespace", namespace), ("status", status)])
                .increment(by: count)
        }
    }

    func recordNamespace(_ name: String, identities: Int?, health: NamespaceHealth, backends: (String, String)) {
        if let identities { gauge("prism_identities", [("namespace", name)]).record(identities) }
        gauge("prism_namespace_running", [("namespace", name)]).record(health.lifecycle == .running ? 1 : 0)
        for (slot, backend, slotHealth) in [
            ("registry", backends.0, health.registry), ("messaging", backends.1, health.messaging),
        ] {
            gauge("prism_slot_health", [("namespace", name), ("slot", slot), ("backend", backend)])
                .record(slotHealth.status.rawValue)
        }
    }

    /// One request on a Session stream. Session requests are the busiest path (a fleet's heartbeats),
    /// so their counters are looked up in a table made once rather than through the metric cache.
    func recordSessionRequest(_ kind: String, failed: Bool) {
        guard let counters = sessionCounters[kind] else { return }
        (failed ? counters.failed : counters.ok).increment()
    }

    /// A client's RST_STREAM: `absorbed` when within the connection's budget (``StreamResetGuard``).
    func recordStreamReset(absorbed: Bool) {
        counter("prism_grpc_stream_resets_total", [("outcome", absorbed ? "absorbed" : "over_budget")]).increment()
    }

    /// The Prometheus text exposition of everything recorded.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        counters.metric(label, dimensions) {
            CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
        }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        timers.metric(label, dimensions) { CoreMetrics.Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Gauge {
        gauges.metric(label, dimensions) { CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory) }
    }
}

/// Metric handles by label and dimensions: creating one goes through the Prometheus registry's lock
/// and name checks, too slow to repeat on every call.
private final class MetricCache<Metric: AnyObject & Sendable>: Sendable {
    private let cache = Mutex<[String: Metric]>([:])

    func metric(_ label: String, _ dimensions: [(String, String)], make: () -> Metric) -> Metric {
        let key = dimensions.reduce(label) { $0 + "\u{1}" + $1.0 + "=" + $1.1 }
        return cache.withLock { cache in
            if let metric = cache[key] { return metric }
            let metric = make()
            cache[key] = metric
            return metric
        }
    }
}
