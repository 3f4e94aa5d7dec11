import Foundation
import PrismClient
import PrismCommandLine

/// Batch mode: no terminal control at all. Prints a frame per refresh (text or JSON lines) until
/// `iterations` frames are out (nil: until killed).
public enum BatchRunner {
    public enum Outcome: Equatable {
        case ok
        /// `--fail-on` matched: the worst namespace health at the last frame.
        case unhealthy(HealthLevel)
        /// The last refresh could not reach prismd.
        case unreachable(String)
        /// prismd answered the last refresh with an error (no such namespace, say).
        case refused(String)
    }

    /// - Parameter onlyView: print this view's table alone (text only; JSON always has every view).
    public static func run(
        state initial: TopState, source: SnapshotSource, format: BatchFormat, iterations: Int?,
        failOn: HealthLevel?, onlyView: TopView? = nil
    ) async -> Outcome {
        var state = initial
        var frame = 0
        var lastFailure: PrismClientError?
        while iterations.map({ frame < $0 }) ?? true {
            if frame > 0 { try? await Task.sleep(for: .milliseconds(Int(state.interval * 1000))) }
            frame += 1
            let now = Date().timeIntervalSince1970
            _ = TopReducer.reduce(&state, .tick(now))
            do throws(PrismClientError) {
                _ = TopReducer.reduce(&state, .snapshot(try await source.fetch(filter: state.filter)))
                lastFailure = nil
            } catch {
                lastFailure = error
                _ = TopReducer.reduce(&state, .fetchFailed(FetchFailure(error), at: now))
            }
            let frame =
                switch format {
                case .text: BatchWriter.text(state, only: onlyView)
                case .json: BatchWriter.json(state) + "\n"
                }
            // Written at once, not buffered: a reader piping the output sees each frame when it is made.
            StandardOutput.write(frame)
        }
        switch lastFailure {
        case .unreachable(_, let detail)?: return .unreachable(detail)
        case .rejected?, .invalidRequest?: return .refused(lastFailure?.description ?? "")
        case nil: break
        }
        if let failOn, let worst = BatchWriter.worstHealth(state), severity(worst) >= severity(failOn) {
            return .unhealthy(worst)
        }
        return .ok
    }

    static func severity(_ level: HealthLevel) -> Int {
        switch level {
        case .healthy: 0
        case .degraded: 1
        case .unhealthy, .unknown: 2
        }
    }
}
