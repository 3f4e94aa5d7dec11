import ArgumentParser
import CNATS
import Foundation
import PrismNATS
import PrismRegistry

struct NATSScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nats",
        abstract: "Multicast through the NATS messaging slot to devices that speak NATS directly.",
        discussion: """
            Needs a nats-server: $PRISM_BENCH_NATS (default nats://127.0.0.1:4222). Every target is a libnats
            subscription on its own subject (spread over --device-connections connections) that replies at once
            when asked to ack, as a device would. The same run measures libnats itself: publishing to distinct
            subjects with one flush, scatter-gather of as many requests as targets on one wildcard inbox, and
            one request/reply round trip. Latency is from the multicast request to the complete report.
            """)

    @Option(help: "Targets (all registered identities are targeted).")
    var targets = 10_000

    @Option(help: "at-most-once or ack.")
    var delivery = "ack"

    @Option(help: "Timed multicasts.")
    var runs = 5

    @Option(
        help: "Connections the simulated devices share; 0 publishes to subjects nobody subscribes (at-most-once only).")
    var deviceConnections = 4

    @Option(help: "Messages for the raw publish baseline.")
    var rawMessages = 200_000

    @Flag(help: "Print JSON (always).")
    var json = false

    func run() async throws {
        guard let mode = MulticastRequest.Delivery(rawValue: delivery) else {
            throw ValidationError("--delivery must be at-most-once or ack")
        }
        let url = ProcessInfo.processInfo.environment["PRISM_BENCH_NATS"] ?? "nats://127.0.0.1:4222"
        var report = JSONReport(scenario: "nats")
        report.add("delivery", .string(delivery))
        report.add("targets", targets)
        report.add("device_connections", deviceConnections)

        let rawPublish = try NATSBaseline.publishRate(url: url, count: rawMessages)
        let rawPublishWithHeaders = try NATSBaseline.publishRateWithHeaders(url: url, count: rawMessages)
        let rawGather = try NATSBaseline.scatterGather(url: url, count: targets)
        let roundTrip = try NATSBaseline.requestRoundTrip(url: url, count: 1000)
        report.add("raw_publish_per_second", rawPublish)
        report.add("raw_publish_with_headers_per_second", rawPublishWithHeaders)
        report.add("raw_scatter_gather_ms", rawGather * 1e3)
        report.add("raw_request_rtt_us_p50", roundTrip.median)
        report.add("raw_request_rtt_us_p99", roundTrip.value(at: 99))

        let namespace = "bench\(UInt32.random(in: 0...UInt32.max))"
        let messaging = try NATSMessaging(.init(servers: [url], namespace: namespace))
        let coordinator = Coordinator(
            settings: NamespaceSettings(name: namespace), registry: MemoryRegistry(), messaging: messaging)
        try await coordinator.start()
        for index in 0..<targets { try await coordinator.register("dev-\(index)", metadata: ["n": .int(Int64(index))]) }
        let devices = try (0..<deviceConnections).map { _ in try RawNATSConnection(url: url) }
        for index in 0..<targets where !devices.isEmpty {
            _ = try devices[index % devices.count].subscribe(
                "prism.multicast.\(namespace).dev-\(index)", handler: RawNATSConnection.replyEmpty)
        }
        for device in devices { try device.check(natsConnection_FlushTimeout(device.pointer, 30_000)) }

        let request = MulticastRequest(
            filter: nil, all: true, payload: Array(#"{"command":"read"}"#.utf8), delivery: mode,
            ackTimeout: .seconds(30))
        _ = try await coordinator.multicast(request)
        var samples: [Double] = []
        var last: MulticastReport?
        for _ in 0..<runs {
            let start = Stopwatch.now()
            last = try await coordinator.multicast(request)
            samples.append(Double(Stopwatch.now() - start))
        }
        let times = Percentiles(samples)
        report.add("delivered", last?.deliveredCount ?? 0)
        report.add("failed", last?.failedCount ?? 0)
        report.add("timeout", last?.timeoutCount ?? 0)
        report.add("latency_ms_p50", times.median / 1e6)
        report.add("latency_ms_max", times.value(at: 100) / 1e6)
        let rate = Double(targets) / (times.median / 1e9)
        report.add("messages_per_second", rate)
        switch mode {
        case .atMostOnce:
            report.add("ratio_to_raw_publish", rate / rawPublish)
            report.add("ratio_to_raw_publish_with_headers", rate / rawPublishWithHeaders)
        case .ack: report.add("times_raw_scatter_gather", times.median / 1e9 / rawGather)
        }
        report.print()
        await coordinator.stop()
        for device in devices { device.close() }
    }
}
