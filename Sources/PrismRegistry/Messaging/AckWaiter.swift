import Synchronization

/// Collects the outcomes of one batch of acked messages and wakes its requester when all are settled
/// or the timeout passes, whichever comes first.
public final class AckWaiter: Sendable {
    private struct State {
        var results: [DeliveryResult?]
        var unsettled: Int
        var continuation: CheckedContinuation<Void, Never>?
        var finished = false
    }

    private let positions: [String: Int]
    private let identities: [String]
    private let state: Mutex<State>

    public init(messages: [OutboundMessage]) {
        positions = Dictionary(
            messages.enumerated().map { ($1.messageID, $0) }, uniquingKeysWith: { first, _ in first })
        identities = messages.map(\.identity)
        state = Mutex(State(results: Array(repeating: nil, count: messages.count), unsettled: messages.count))
    }

    public func identity(of messageID: String) -> String? { positions[messageID].map { identities[$0] } }

    /// Records one message's outcome; the first outcome for a message wins.
    public func settle(messageID: String, with result: DeliveryResult) {
        guard let position = positions[messageID] else { return }
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard state.results[position] == nil, !state.finished else { return nil }
            state.results[position] = result
            state.unsettled -= 1
            guard state.unsettled == 0 else { return nil }
            state.finished = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }

    /// Returns when every message is settled or `timeout` has passed.
    public func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.finished || state.unsettled == 0 { return true }
                        state.continuation = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.expire()
            }
            await group.next()
            group.cancelAll()
            // The sleeper ends early when cancelled and then expires the waiter, which is finished by then.
            self.expire()
        }
    }

    /// Stops waiting: unsettled messages will report TIMEOUT.
    private func expire() {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }

    /// Every message's outcome; unsettled ones are TIMEOUT.
    public func results(timeoutError: String) -> [DeliveryResult] {
        state.withLock { state in
            state.results.enumerated().map { position, result in
                result ?? DeliveryResult(identity: identities[position], status: .timeout, error: timeoutError)
            }
        }
    }
}
