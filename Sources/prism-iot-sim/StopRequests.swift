import PrismAPI
import PrismDurations
import UnixSignals

/// Waits for SIGINT, SIGTERM or the end of `--duration`, so a stop runs the clean shutdown instead of
/// killing the process with devices still registered.
enum StopRequests {
    /// The reason to stop: the signal, or "ran for D" once `limit` has passed.
    static func next(after limit: Duration?) async -> String {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                for await signal in signals { return signal == .sigint ? "interrupted" : "terminated" }
                return nil
            }
            if let limit {
                group.addTask {
                    try? await Task.sleep(for: limit)
                    return "ran for \(limit.written)"
                }
            }
            let reason = await group.next() ?? nil
            group.cancelAll()
            return reason ?? "stopped"
        }
    }
}
