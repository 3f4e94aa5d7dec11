import NIOHTTP1
import PrismRegistry

/// `/metrics`, `/healthz` and `/readyz`.
struct OperationalEndpoints: Sendable {
    let namespaces: NamespaceDirectory
    let metrics: ServerMetrics

    func respond(_ method: HTTPMethod, _ path: String) async -> HTTPEndpoint.Response {
        guard method == .GET || method == .HEAD else {
            return .text(.methodNotAllowed, "only GET is served here\n")
        }
        switch path {
        case "/metrics":
            await refreshGauges()
            return HTTPEndpoint.Response(
                status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
        case "/healthz":
            return .text(.ok, "ok\n")
        case "/readyz":
            let problems = await readinessProblems()
            return problems.isEmpty
                ? .text(.ok, "ready\n")
                : .text(.serviceUnavailable, "not ready:\n" + problems.map { "  \($0)\n" }.joined())
        default:
            return .text(.notFound, "no such endpoint: \(path); try /metrics, /healthz or /readyz\n")
        }
    }

    /// Every namespace must be RUNNING with no UNHEALTHY or DEGRADED slot.
    func readinessProblems() async -> [String] {
        var problems: [String] = []
        for runtime in namespaces.runtimes {
            let health = await runtime.coordinator.health()
            if health.lifecycle != .running {
                problems.append("namespace \(runtime.name) is \(health.lifecycle)")
            }
            for (slot, slotHealth) in [("registry", health.registry), ("messaging", health.messaging)]
            where slotHealth.status != .healthy {
                problems.append("namespace \(runtime.name): \(slot) slot is \(slotHealth.status): \(slotHealth.detail)")
            }
        }
        return problems
    }

    private func refreshGauges() async {
        for runtime in namespaces.runtimes {
            let coordinator = runtime.coordinator
            let health = await coordinator.health()
            let identities = health.lifecycle == .running ? try? await coordinator.count() : nil
            metrics.recordNamespace(
                runtime.name, identities: identities, health: health,
                backends: (coordinator.registry.backend, coordinator.messaging.backend))
        }
    }
}
