import PrismFilter
import Testing

@testable import PrismRegistry

/// Subscribes to `identity` and answers each message as `behaviour` says, until cancelled.
func startDevice(
    _ identity: String, on coordinator: Coordinator, behaviour: @escaping @Sendable (InboundMessage) -> String??
) async throws -> Task<Void, Never> {
    let subscription = try await coordinator.messaging.subscribe(to: [identity])
    let messaging = coordinator.messaging
    return Task {
        await withTaskCancellationHandler {
            for await message in subscription {
                guard message.ackRequested, let answer = behaviour(message) else { continue }
                try? await messaging.acknowledge(messageID: message.message.messageID, error: answer)
            }
        } onCancel: {
            subscription.cancel()
        }
    }
}

@Suite("Coordinator: multicast")
struct MulticastTests {
    @Test("ack mode reports DELIVERED, FAILED (no subscriber or a device error) and TIMEOUT per identity")
    func ackStatuses() async throws {
        let coordinator = try await makeCoordinator()
        for name in ["acks", "silent", "absent", "refuses"] {
            try await coordinator.register(name, metadata: ["group": "g"])
        }
        let acker = try await startDevice("acks", on: coordinator) { _ in .some(nil) }
        let silent = try await startDevice("silent", on: coordinator) { _ in nil }
        let refuser = try await startDevice("refuses", on: coordinator) { _ in .some("battery too low") }
        defer { [acker, silent, refuser].forEach { $0.cancel() } }
        let started = ContinuousClock.now
        let report = try await coordinator.multicast(
            MulticastRequest(
                filter: #"group == "g""#, payload: Array("reboot".utf8), delivery: .ack,
                ackTimeout: .milliseconds(300)))
        let elapsed = ContinuousClock.now - started
        #expect(report.targetCount == 4)
        #expect(report.deliveredCount == 1)
        #expect(report.failedCount == 2)
        #expect(report.timeoutCount == 1)
        let byName = Dictionary(uniqueKeysWithValues: report.statuses.map { ($0.identity, $0) })
        #expect(byName["acks"]?.status == .delivered)
        #expect(byName["silent"]?.status == .timeout)
        #expect(byName["absent"]?.status == .failed)
        #expect(byName["absent"]?.error == "no subscriber")
        #expect(byName["refuses"]?.status == .failed)
        #expect(byName["refuses"]?.error == "battery too low")
        #expect(elapsed >= .milliseconds(300), "waited for the silent device")
        #expect(Set(report.statuses.map(\.identity)).count == 4)
    }

    @Test("an ack's reply travels back in the report; a reply above 4 KiB is refused and changes nothing")
    func ackReply() async throws {
        let coordinator = try await makeCoordinator()
        try await coordinator.register("meter", metadata: [:])
        let subscription = try await coordinator.subscribe(to: ["meter"])
        let device = Task {
            for await inbound in subscription {
                let messageID = inbound.message.messageID
                do throws(RegistryError) {
                    try await coordinator.acknowledge(
                        messageID: messageID, error: nil, reply: Array(repeating: 0x41, count: 4097))
                    Issue.record("a 4097-byte reply was accepted")
                } catch {
                    #expect(error.code == .invalidArgument)
                    #expect(error.message.contains("4097 bytes"))
                }
                try? await coordinator.acknowledge(messageID: messageID, error: nil, reply: Array("21.5".utf8))
            }
        }
        let report = try await coordinator.multicast(
            MulticastRequest(
                filter: nil, all: true, payload: Array("read".utf8), delivery: .ack, ackTimeout: .seconds(30)))
        #expect(report.statuses == [DeliveryResult(identity: "meter", status: .delivered, reply: Array("21.5".utf8))])
        subscription.cancel()
        await device.value
    }

    @Test("when every target acks, the multicast returns without waiting for the timeout")
    func allAckedReturnsEarly() async throws {
        let coordinator = try await makeCoordinator()
        var devices: [Task<Void, Never>] = []
        for index in 0..<200 {
            try await coordinator.register("d\(index)", metadata: ["fleet": true])
            devices.append(try await startDevice("d\(index)", on: coordinator) { _ in .some(nil) })
        }
        defer { devices.forEach { $0.cancel() } }
        let report = try await coordinator.multicast(
            MulticastRequest(filter: "fleet", payload: [1], delivery: .ack, ackTimeout: .seconds(120)))
        #expect(report.deliveredCount == 200)
        // Far below the timeout even when other suites load both cores (prism-bench measures the speed).
        #expect(report.latency < .seconds(60))
    }

    @Test("an empty filter is refused unless `all` is set")
    func emptyFilter() async throws {
        let coordinator = try await makeCoordinator()
        try await coordinator.register("x")
        for blank in [nil, "", "   ", "{}", "true"] as [String?] {
            await expectError(.invalidArgument) {
                _ = try await coordinator.multicast(MulticastRequest(filter: blank, payload: []))
            }
        }
        let all = try await coordinator.multicast(MulticastRequest(filter: nil, all: true, payload: []))
        #expect(all.targetCount == 1)
    }

    @Test("dry run counts without sending; max_targets refuses larger fan-outs")
    func dryRunAndMaxTargets() async throws {
        let coordinator = try await makeCoordinator()
        for index in 0..<20 { try await coordinator.register("n\(index)", metadata: ["kind": "k"]) }
        let subscription = try await coordinator.messaging.subscribe(to: ["n0"])
        let dry = try await coordinator.multicast(MulticastRequest(filter: #"kind == "k""#, payload: [], dryRun: true))
        #expect(dry.targetCount == 20)
        #expect(dry.statuses.isEmpty)
        await expectError(.resourceExhausted) {
            _ = try await coordinator.multicast(MulticastRequest(filter: #"kind == "k""#, payload: [], maxTargets: 19))
        }
        let exact = try await coordinator.multicast(
            MulticastRequest(filter: #"kind == "k""#, payload: [7], maxTargets: 20))
        #expect(exact.targetCount == 20)
        var iterator = subscription.makeAsyncIterator()
        #expect(await iterator.next()?.message.payload == [7], "the dry run sent nothing before it")
        subscription.cancel()
        await expectError(.invalidArgument) {
            _ = try await coordinator.multicast(MulticastRequest(filter: "kind ==", payload: []))
        }
    }

    @Test("a multicast is announced with its summary and counted")
    func multicastEvent() async throws {
        let coordinator = try await makeCoordinator()
        try await coordinator.register("a", metadata: ["t": 1])
        let events = try coordinator.watch()
        _ = try await coordinator.multicast(MulticastRequest(filter: "t == 1", payload: []))
        var iterator = events.makeAsyncIterator()
        let event = try await iterator.next()
        #expect(event?.kind == .multicast)
        #expect(event?.multicast?.filter == "t == 1")
        #expect(event?.multicast?.targetCount == 1)
        #expect(event?.multicast?.failedTargets.map(\.identity) == ["a"])
        let counters = coordinator.statistics.counters
        #expect(counters.multicasts == 1)
        #expect(counters.targets == 1)
        #expect(counters.failed == 1)
        #expect(coordinator.statistics.multicastLatency.count == 1)
    }
}

@Suite("Coordinator: watch")
struct WatchTests {
    @Test("a filtered watch sees only matching identities' events")
    func filteredWatch() async throws {
        let coordinator = try await makeCoordinator()
        let sensors = try coordinator.watch(filter: #"type == "sensor""#)
        try await coordinator.register("s1", metadata: ["type": "sensor"])
        try await coordinator.register("a1", metadata: ["type": "actuator"])
        try await coordinator.unregister("s1")
        var seen: [String] = []
        for try await event in sensors {
            seen.append("\(event.kind) \(event.identity?.name ?? "")")
            if seen.count == 2 { break }
        }
        #expect(seen == ["REGISTERED s1", "UNREGISTERED s1"])
        await expectError(.invalidArgument) { _ = try coordinator.watch(filter: "type ==") }
    }

    @Test("a watcher that falls behind is dropped with a reason and never blocks writers")
    func slowWatcherDropped() async throws {
        let coordinator = try await makeCoordinator()
        let slow = try coordinator.watch(bufferSize: 10)
        let started = ContinuousClock.now
        for index in 0..<100 { try await coordinator.register("w\(index)") }
        #expect(ContinuousClock.now - started < .seconds(5))
        var received = 0
        do {
            for try await _ in slow { received += 1 }
            Issue.record("the stream should end with an error")
        } catch let error as RegistryError {
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("fell more than 10 events behind"))
        }
        #expect(received == 10)
        #expect(coordinator.events.watcherCount == 0)
    }
}
