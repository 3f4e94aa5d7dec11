import Dispatch
import Foundation
import PrismRegistry
import Synchronization

/// A fixed set of hiredis connections, each confined to its own serial queue so that blocking reads
/// never run on Swift's cooperative threads. Calls are spread round-robin; calls that queue up on a
/// busy connection go out together in its next pipeline.
public final class RedisConnectionPool: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var connections: Int
        public var connectTimeout: Duration
        /// Read/write timeout of one round trip; a Redis that stops answering fails calls after this.
        public var commandTimeout: Duration

        public init(
            host: String, port: Int, connections: Int = 4, connectTimeout: Duration = .milliseconds(500),
            commandTimeout: Duration = .seconds(1)
        ) {
            self.host = host
            self.port = port
            self.connections = connections
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
        }
    }

    private struct Request {
        var commands: [[[UInt8]]]
        var continuation: CheckedContinuation<Result<[RedisReply], RegistryError>, Never>
    }

    /// One connection and the calls waiting for it. Calls that arrive while the connection is busy are
    /// sent together as one pipeline when it is free again, so concurrent callers share round trips
    /// (as SQLite's group commit shares transactions) without any caller waiting for a timer.
    private final class Slot: @unchecked Sendable {
        // `connection` is only touched on `queue`, which serialises every use of it.
        let connection: RedisConnection
        let queue: DispatchQueue
        let waiting = Mutex<(requests: [Request], draining: Bool)>(([], false))
        let queued = Atomic<Int>(0)

        init(_ connection: RedisConnection, label: String) {
            self.connection = connection
            queue = DispatchQueue(label: label)
        }

        func submit(_ request: Request) {
            let startDrain = waiting.withLock { state in
                state.requests.append(request)
                defer { state.draining = true }
                return !state.draining
            }
            if startDrain { queue.async { self.drain() } }
        }

        private func drain() {
            while true {
                let batch = waiting.withLock { state -> [Request] in
                    let batch = state.requests
                    state.requests = []
                    if batch.isEmpty { state.draining = false }
                    return batch
                }
                if batch.isEmpty { return }
                let outcome = Result { () throws(RegistryError) in
                    try connection.pipeline(batch.flatMap(\.commands))
                }
                queued.subtract(batch.count, ordering: .relaxed)
                switch outcome {
                case .failure(let error):
                    for request in batch { request.continuation.resume(returning: .failure(error)) }
                case .success(let replies):
                    var offset = 0
                    for request in batch {
                        let count = request.commands.count
                        request.continuation.resume(returning: .success(Array(replies[offset..<offset + count])))
                        offset += count
                    }
                }
            }
        }
    }

    public let configuration: Configuration
    private let slots: [Slot]
    private let nextSlot = Atomic<Int>(0)

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        slots = (0..<max(1, configuration.connections)).map { index in
            Slot(
                RedisConnection(
                    host: configuration.host, port: configuration.port, connectTimeout: configuration.connectTimeout,
                    commandTimeout: configuration.commandTimeout),
                label: "prism.redis.\(index)")
        }
        // hiredis writes with write(), not send(MSG_NOSIGNAL): a write to a connection Redis closed would
        // otherwise kill the process with SIGPIPE instead of failing the call.
        signal(SIGPIPE, SIG_IGN)
    }

    public var address: String { "\(configuration.host):\(configuration.port)" }

    /// Calls waiting or running on the busiest connection, for health ("pool exhausted").
    public var deepestQueue: Int { slots.map { $0.queued.load(ordering: .relaxed) }.max() ?? 0 }

    /// Runs the commands as one pipeline on one connection.
    public func pipeline(_ commands: [[[UInt8]]]) async throws(RegistryError) -> [RedisReply] {
        let slot = slots[nextSlot.add(1, ordering: .relaxed).oldValue % slots.count]
        slot.queued.add(1, ordering: .relaxed)
        let result: Result<[RedisReply], RegistryError> = await withCheckedContinuation { continuation in
            slot.submit(Request(commands: commands, continuation: continuation))
        }
        return try result.get()
    }

    /// One command.
    public func command(_ arguments: [String]) async throws(RegistryError) -> RedisReply {
        try await pipeline([arguments.map { Array($0.utf8) }])[0]
    }

    /// PING round trip, for health.
    public func ping() async throws(RegistryError) -> Duration {
        let started = ContinuousClock.now
        let reply = try await command(["PING"])
        guard reply == .status("PONG") else {
            throw RedisFailure.unexpectedReply(address, to: "PING", "\(reply)")
        }
        return ContinuousClock.now - started
    }
}
