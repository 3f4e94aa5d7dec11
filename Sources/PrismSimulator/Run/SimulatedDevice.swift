import PrismClient
import PrismFilter

/// One device's life: register, heartbeat, answer commands, now and then go silent or reboot.
///
/// An actor, not a thread: ten thousand of these sleep on timers and wake for their heartbeat or a
/// command, so a whole fleet runs on Swift's few cooperative threads.
actor SimulatedDevice {
    private enum Phase {
        case online
        /// Not heartbeating and not answering, until it registers again.
        case rebooting(until: ContinuousClock.Instant)
        case silent(until: ContinuousClock.Instant)

        var isOnline: Bool {
            if case .online = self { return true }
            return false
        }
    }

    nonisolated let identity: String
    private var state: DeviceState
    private var phase = Phase.online
    private var isRegistered = false
    private var everRegistered = false
    /// Set at shutdown: a command still in flight must not register the device again after it left.
    private var stopping = false
    private var lastAdvance = ContinuousClock.now
    /// For the last call, unregistering at shutdown, after the links have closed.
    private let client: PrismClient
    /// Registrations and heartbeats: the group's Session stream, or unary calls with batched heartbeats.
    private let registry: any RegistryLink
    private let link: any CommandLink
    private let settings: SimulatorSettings
    private let counters: SimulatorCounters
    /// Commands wait here for the device, which takes them one at a time, as a device would.
    private nonisolated let inbox = AsyncStream<ReceivedCommand>.makeStream()

    init(
        profile: DeviceProfile, client: PrismClient, registry: any RegistryLink, link: any CommandLink,
        settings: SimulatorSettings, counters: SimulatorCounters
    ) {
        identity = profile.identity
        state = DeviceState(profile: profile)
        self.client = client
        self.registry = registry
        self.link = link
        self.settings = settings
        self.counters = counters
        counters.online.add(1, ordering: .relaxed)
    }

    /// Hands a command to the device; it is answered in turn while the device runs.
    nonisolated func deliver(_ command: ReceivedCommand) {
        inbox.continuation.yield(command)
    }

    /// Lives and answers commands until the task is cancelled; `startDelay` spreads a large fleet's
    /// first registrations.
    func run(startDelay: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [inbox] in
                for await command in inbox.stream { await self.handle(command) }
            }
            await live(startDelay: startDelay)
            group.cancelAll()
        }
    }

    private func live(startDelay: Duration) async {
        guard (try? await Task.sleep(for: startDelay)) != nil else { return }
        await register()
        // The first heartbeat comes part way through the interval, so the fleet's heartbeats spread out.
        var next = ContinuousClock.now + settings.heartbeat * state.uniform(0.3...1.0)
        while !Task.isCancelled {
            switch phase {
            case .online:
                guard (try? await Task.sleep(until: next)) != nil else { return }
                next = ContinuousClock.now + settings.heartbeat
                guard phase.isOnline else { continue }
                if shouldGoSilent() {
                    change(to: .silent(until: .now + settings.ttl * state.uniform(1.5...3.0)))
                } else {
                    await heartbeat()
                }
            case .rebooting(let until), .silent(let until):
                guard (try? await Task.sleep(until: until)) != nil else { return }
                change(to: .online)
                await register()
                next = ContinuousClock.now + settings.heartbeat
            }
        }
    }

    private func handle(_ command: ReceivedCommand) async {
        counters.commandsReceived.add(1, ordering: .relaxed)
        guard phase.isOnline else {
            counters.commandsMissed.add(1, ordering: .relaxed)
            return
        }
        var outcome: CommandOutcome
        do {
            outcome = state.apply(try DeviceCommand.parse(command.payload))
        } catch {
            outcome = .failure(error.description)
        }
        if case .report(let patch) = outcome.effect, outcome.error == nil {
            // Reported before the ack, so whoever multicast sees the change as soon as the acks are in.
            if let failure = await report(patch) { outcome.error = "cannot report the change to prismd: \(failure)" }
        }
        if command.ackRequested {
            do {
                try await link.acknowledge(command, error: outcome.error, reply: outcome.replyBytes)
                if outcome.error == nil {
                    counters.commandsAcked.add(1, ordering: .relaxed)
                } else {
                    counters.commandsRefused.add(1, ordering: .relaxed)
                }
            } catch {
                counters.ackErrors.add(1, ordering: .relaxed)
            }
        }
        if outcome.effect == .reboot, phase.isOnline {
            change(to: .rebooting(until: .now + .milliseconds(Int64(state.uniform(3000...6000)))))
        }
    }

    /// Leaves the registry (a clean shutdown). A silent or rebooting device may still be listed until its
    /// TTL passes, so every device unregisters; unregistering an absent identity succeeds.
    func unregister() async -> Bool {
        guard (try? await client.unregister(identity)) != nil else { return false }
        setRegistered(false)
        return true
    }

    /// From now on the device makes no registry calls but its unregistering.
    func stop() { stopping = true }

    private func register() async {
        guard !stopping else { return }
        advanceClock()
        do {
            try await registry.register(identity, metadata: state.metadata, ttl: settings.ttl)
            counters.registrations.add(1, ordering: .relaxed)
            if !everRegistered {
                everRegistered = true
                counters.firstRegistrations.add(1, ordering: .relaxed)
            }
            setRegistered(true)
        } catch {
            counters.callErrors.add(1, ordering: .relaxed)
            setRegistered(false)
        }
    }

    private func heartbeat() async {
        guard !stopping else { return }
        advanceClock()
        guard isRegistered else { return await register() }
        do {
            try await registry.heartbeat(
                HeartbeatRenewal(identity: identity, ttl: settings.ttl, metadataPatch: state.heartbeatPatch))
            counters.heartbeats.add(1, ordering: .relaxed)
        } catch {
            await recover(from: error)
        }
    }

    /// Renews the registration with a metadata patch; returns why it failed, or nil.
    private func report(_ patch: JSONObject) async -> String? {
        do {
            try await registry.heartbeat(HeartbeatRenewal(identity: identity, ttl: settings.ttl, metadataPatch: patch))
            return nil
        } catch {
            // Registering again sends the whole metadata, the change included.
            await recover(from: error)
            return isRegistered ? nil : error.description
        }
    }

    /// NOT_FOUND means the registry let the device go (it expired, or prismd lost it): register again
    /// with everything. Anything else (prismd unreachable, say) is counted, and the device counts as
    /// unregistered, so its next heartbeat registers it again with everything: after an outage prismd
    /// may have lost it.
    private func recover(from error: PrismClientError) async {
        if case .rejected(let code, _) = error, code == .notFound {
            await register()
        } else {
            counters.callErrors.add(1, ordering: .relaxed)
            setRegistered(false)
        }
    }

    private func advanceClock() {
        let now = ContinuousClock.now
        state.advance(by: now - lastAdvance)
        lastAdvance = now
    }

    /// Each heartbeat a device goes silent with a probability that keeps about `churn` of the fleet
    /// silent at any time: silences last 2.25 TTLs on average.
    private func shouldGoSilent() -> Bool {
        guard settings.churn > 0, settings.churn < 1 else { return false }
        let meanSilence = settings.ttl * 2.25
        let probability = settings.churn / (1 - settings.churn) * (settings.heartbeat / meanSilence)
        return state.uniform(0...1) < probability
    }

    private func change(to newPhase: Phase) {
        for (current, delta) in [(phase, -1), (newPhase, 1)] {
            switch current {
            case .online: counters.online.add(delta, ordering: .relaxed)
            case .rebooting: counters.rebooting.add(delta, ordering: .relaxed)
            case .silent: counters.silent.add(delta, ordering: .relaxed)
            }
        }
        phase = newPhase
        // `registered` counts the devices that keep their registration alive.
        if !newPhase.isOnline { setRegistered(false) }
    }

    private func setRegistered(_ registered: Bool) {
        guard registered != isRegistered else { return }
        isRegistered = registered
        counters.registered.add(registered ? 1 : -1, ordering: .relaxed)
    }
}
