import ArgumentParser
import PrismAPI
import PrismClient
import PrismCommandLine

struct MulticastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "multicast", abstract: "Send a message to every identity a filter selects.",
        discussion: """
            prism multicast --filter 'type == "sensor" and floor == 1' --payload '{"command":"read"}' --ack --ack-timeout 2s
            Prints targets=N delivered=N failed=N timeout=N pending=N latency=..., then the identities
            that did not get the message and what each target replied with its ack. Exits 1 when any target
            was not delivered.
            """)

    @OptionGroup var filter: FilterArguments
    @Flag(help: "Send to every identity (an empty filter is refused otherwise).") var all = false
    @Option(help: "The message.") var payload: String
    @Option(name: .customLong("content-type"), help: "The payload's media type.") var contentType = "text/plain"
    @Flag(help: "Wait for each target to acknowledge.") var ack = false
    @Option(
        name: .customLong("ack-timeout"),
        help: ArgumentHelp("How long --ack waits for the targets (default 5s).", valueName: "duration"),
        transform: DurationArgument.parse)
    var ackTimeout: Duration = .seconds(5)
    @Option(name: .customLong("max-targets"), help: "Refuse when more identities match.") var maxTargets: Int?
    @Flag(name: .customLong("dry-run"), help: "Only count the targets.") var dryRun = false
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let maxTargets, maxTargets < 1 { throw ValidationError("--max-targets must be at least 1") }
        if all, filter.filter != nil || filter.filterFile != nil {
            throw ValidationError("give --all or a filter, not both")
        }
    }

    func run() async throws {
        let filterText = try filter.text()
        guard filterText != nil || all else {
            throw CommandFailure.invalid("multicast needs --filter, --filter-file or --all")
        }
        var undelivered = false
        try await client.run { client in
            let response = try await client.multicast(
                MulticastOptions(
                    filter: filterText, all: all, payload: Array(payload.utf8), contentType: contentType, ack: ack,
                    ackTimeout: ackTimeout, maxTargets: maxTargets, dryRun: dryRun))
            undelivered = !dryRun && response.deliveredCount < response.targetCount
            if self.client.printsJSON { return Output.printJSON(ToolJSON.multicast(response)) }
            Output.line(
                "targets=\(response.targetCount) delivered=\(response.deliveredCount) failed=\(response.failedCount) "
                    + "timeout=\(response.timeoutCount) pending=\(response.pendingCount) "
                    + "latency=\(Output.milliseconds(response.latency))\(dryRun ? " (dry run)" : "")")
            let worthShowing = response.statuses.filter { $0.status != .delivered || !$0.reply.isEmpty }
            guard !worthShowing.isEmpty else { return }
            if worthShowing.allSatisfy({ $0.reply.isEmpty }) {
                let rows = worthShowing.map { [$0.identity, Output.statusName($0.status), $0.error] }
                return Output.line(Output.table(["IDENTITY", "STATUS", "ERROR"], rows))
            }
            let rows = worthShowing.map {
                [$0.identity, Output.statusName($0.status), String(decoding: $0.reply, as: UTF8.self), $0.error]
            }
            Output.line(Output.table(["IDENTITY", "STATUS", "REPLY", "ERROR"], rows))
        }
        if undelivered { throw CommandFailure.refused }
    }
}

extension Output {
    static func statusName(_ status: Prism_Registry_V1_DeliveryStatus.Status) -> String {
        switch status {
        case .delivered: "DELIVERED"
        case .pending: "PENDING"
        case .failed: "FAILED"
        case .timeout: "TIMEOUT"
        default: "UNSPECIFIED"
        }
    }
}
