import GRPCCore
import Logging
import PrismAPI
import PrismRegistry
import Synchronization

/// Wraps each API call: finds the namespace, maps errors to status codes, records the operation's
/// metrics and writes one log line carrying the request id.
final class CallObserver: Sendable {
    let namespaces: NamespaceDirectory
    let metrics: ServerMetrics
    let logger: Logger
    private let sequence = Atomic<UInt64>(0)

    init(namespaces: NamespaceDirectory, metrics: ServerMetrics, logger: Logger) {
        self.namespaces = namespaces
        self.metrics = metrics
        self.logger = logger
    }

    /// Short and unique within this process's life, enough to pick one call's lines out of the log.
    func nextRequestID() -> String {
        "r" + String(sequence.add(1, ordering: .relaxed).newValue, radix: 16)
    }

    func observe<Result: Sendable>(
        _ op: String, namespace: String, context: ServerContext,
        _ body: (NamespaceRuntime, Logger) async throws -> Result
    ) async throws -> Result {
        let started = ContinuousClock.now
        var logger = self.logger
        logger[metadataKey: "request_id"] = "\(nextRequestID())"
        logger[metadataKey: "op"] = "\(op)"
        let runtime = Swift.Result { () throws(RegistryError) in try namespaces.runtime(namespace) }
        logger[metadataKey: "namespace"] = "\(namespace.isEmpty ? "default" : namespace)"
        // Metric labels only for namespaces that exist: names clients invent must not grow the series.
        let namespaceName = (try? runtime.get())?.name ?? "unknown"
        do {
            let result = try await ErrorMapping.mapping { try await body(try runtime.get(), logger) }
            let elapsed = ContinuousClock.now - started
            metrics.recordOperation(namespace: namespaceName, op: op, code: "ok", duration: elapsed)
            logger.debug("ok", metadata: ["duration_us": "\(elapsed.microseconds)", "peer": "\(context.remotePeer)"])
            return result
        } catch let error as RPCError {
            let elapsed = ContinuousClock.now - started
            let code = error.code.statusName
            metrics.recordOperation(namespace: namespaceName, op: op, code: code, duration: elapsed)
            let level: Logger.Level = error.code == .internalError ? .error : .info
            logger.log(
                level: level, "failed",
                metadata: ["code": "\(code)", "error": "\(error.message)", "duration_us": "\(elapsed.microseconds)"])
            throw error
        }
    }
}

extension Duration {
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
