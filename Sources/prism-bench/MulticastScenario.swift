import ArgumentParser
import PrismFilter
import PrismRegistry

struct MulticastScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "multicast",
        abstract: "Multicast fan-out on the memory registry with in-process messaging.",
        discussion: """
            Every target has its own in-process subscription served by its own task, which acks each message
            in --delivery ack mode. Latency is from the request to the complete report.
            """)

    @Option(help: "Targets (all registered identities are targeted).")
    var targets = 1000

    @Option(help: "at-most-once or ack.")
    var delivery = "at-most-once"

    @Option(help: "Timed runs.")
    var runs = 10

    @Flag(
        help:
            "Subscribers do not read while the multicast runs (messages queue in their buffers), isolating the fan-out from waking 1 task per message."
    )
    var idleSubscribers = false

    @Flag(help: "Print JSON (always).")
    var json = false

    func run() async throws {
        guard let mode = MulticastRequest.Delivery(rawValue: delivery) else {
            throw ValidationError("--delivery must be at-most-once or ack")
        }
        try await RegistryFixtures.withCoordinator { coordinator in
            try await RegistryFixtures.fill(coordinator, count: targets)
            let messaging = coordinator.messaging
            var idle: [MessageSubscription] = []
            defer { for subscription in idle { subscription.cancel() } }
            try await withThrowingTaskGroup(of: Void.self) { devices in
                for index in 0..<targets {
                    let subscription = try await messaging.subscribe(to: ["dev-\(index)"])
                    if idleSubscribers {
                        idle.append(subscription)
                        continue
                    }
                    devices.addTask {
                        for await message in subscription where message.ackRequested {
                            try? await messaging.acknowledge(messageID: message.message.messageID, error: nil)
                        }
                    }
                }
                defer { devices.cancelAll() }
                try await measure(coordinator, mode: mode)
            }
        }
    }

    private func measure(_ coordinator: Coordinator, mode: MulticastRequest.Delivery) async throws {
        var last: MulticastReport?
        let request = MulticastRequest(
            filter: nil, all: true, payload: Array(#"{"command":"read"}"#.utf8), delivery: mode,
            ackTimeout: .seconds(30))
        _ = try await coordinator.multicast(request)
        let times = try await RegistryFixtures.time(runs: runs) {
            last = try await coordinator.multicast(request)
        }
        var report = JSONReport(scenario: "multicast")
        report.add("registry", "memory")
        report.add("messaging", "inproc")
        report.add("delivery", .string(delivery))
        report.add("targets", targets)
        report.add("subscribers_reading", .bool(!idleSubscribers))
        report.add("delivered", last?.deliveredCount ?? 0)
        report.add("failed", last?.failedCount ?? 0)
        report.add("timeout", last?.timeoutCount ?? 0)
        report.add("latency_ms_p50", times.median / 1e6)
        report.add("latency_ms_p99", times.value(at: 99) / 1e6)
        report.add("messages_per_second", Double(targets) / (times.median / 1e9))
        report.print()
    }
}
