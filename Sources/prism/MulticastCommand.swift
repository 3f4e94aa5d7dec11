import ArgumentParser
import Foundation
import PrismAPI
import PrismClient
import PrismCommandLine
import PrismFilter

struct MulticastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "multicast", abstract: "Send a message to every identity a filter selects.",
        discussion: """
            prism multicast --filter 'floor == 1' --payload '{"command":"read"}' --ack
            jq -c . command.json | prism multicast --all --payload - --ack

            Prints targets=N delivered=N failed=N timeout=N pending=N latency=... id=..., then the targets \
            that did not get the message, grouped by status and error (with --show delivered or -o wide, \
            also those that did, with their replies). Exits 1 when any target was not delivered.
            """)

    @OptionGroup var filter: FilterArguments
    @Flag(help: "Send to every identity (an empty filter is refused otherwise).") var all = false
    @Option(help: ArgumentHelp("The message; - reads it from standard input.", valueName: "text"))
    var payload: String?
    @Option(
        name: .customLong("payload-file"), help: ArgumentHelp("Read the message from a file.", valueName: "file"),
        completion: .file())
    var payloadFile: String?
    @Option(
        name: .customLong("content-type"),
        help: "The payload's media type (default application/json when the payload is JSON, else text/plain).")
    var contentType: String?
    @Option(
        help: ArgumentHelp("Also list the targets that got the message, with their replies.", valueName: "delivered"))
    var show: ShownStatuses?
    @Flag(help: "Wait for each target to acknowledge.") var ack = false
    @Option(
        name: .customLong("ack-timeout"),
        help: ArgumentHelp("How long --ack waits for the targets (default 5s).", valueName: "duration"),
        transform: DurationArgument.parse)
    var ackTimeout: Duration = .seconds(5)
    @Option(name: .customLong("max-targets"), help: "Refuse when more identities match.") var maxTargets: Int?
    @Flag(name: .customLong("dry-run"), help: "Only count the targets.") var dryRun = false
    @OptionGroup var client: ClientOptions

    enum ShownStatuses: String, ExpressibleByArgument {
        case delivered
    }

    /// Targets listed per group before "and N more".
    static let namesPerGroup = 10

    func validate() throws {
        if let maxTargets, maxTargets < 1 { throw ValidationError("--max-targets must be at least 1") }
        guard (payload == nil) != (payloadFile == nil) else {
            throw ValidationError(
                "give the message with --payload TEXT, --payload - (standard input) or --payload-file F")
        }
        if all, filter.filter != nil || filter.filterFile != nil {
            throw ValidationError("give --all or a filter, not both")
        }
    }

    func run() async throws {
        let filterText = try filter.text()
        guard filterText != nil || all else {
            throw CommandFailure.invalid("multicast needs --filter, --filter-file or --all")
        }
        let body = try message()
        let mediaType =
            contentType
            ?? ((try? Value(json: String(decoding: body, as: UTF8.self))) != nil
                ? "application/json" : "text/plain")
        var undelivered = false
        try await client.run { client in
            let response = try await client.multicast(
                MulticastOptions(
                    filter: filterText, all: all, payload: body, contentType: mediaType, ack: ack,
                    ackTimeout: ackTimeout, maxTargets: maxTargets, dryRun: dryRun))
            undelivered = !dryRun && response.deliveredCount < response.targetCount
            if self.client.printsDocuments { return self.client.printDocument(ToolJSON.multicast(response)) }
            Output.line(
                "targets=\(response.targetCount) delivered=\(response.deliveredCount) failed=\(response.failedCount) "
                    + "timeout=\(response.timeoutCount) pending=\(response.pendingCount) "
                    + "latency=\(Output.milliseconds(response.latency))"
                    + (dryRun ? " (dry run)" : " id=\(response.multicastID)"))
            if dryRun {
                return try await printSample(of: response.targetCount, filter: filterText, client: client)
            }
            printGroups(response.statuses.filter { $0.status != .delivered })
            if show == .delivered || self.client.format == .wide {
                let rows = response.statuses.filter { $0.status == .delivered }.map {
                    [$0.identity, String(decoding: $0.reply, as: UTF8.self)]
                }
                if !rows.isEmpty { Output.line(Output.table(["DELIVERED", "REPLY"], rows)) }
            }
        }
        if undelivered { throw CommandFailure.refused }
    }

    /// The payload from --payload, standard input (--payload -) or --payload-file.
    private func message() throws -> [UInt8] {
        if let payloadFile {
            guard let data = FileManager.default.contents(atPath: payloadFile) else {
                throw CommandFailure.invalid("cannot read --payload-file \(payloadFile)")
            }
            return Array(data)
        }
        if payload == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        return Array((payload ?? "").utf8)
    }

    /// One line per status and error, with a count and the first targets:
    /// `FAILED  18 × is a gateway: it takes no readings  gw-1, gw-2, … (8 more)`.
    private func printGroups(_ statuses: [Prism_Registry_V1_DeliveryStatus]) {
        var groups: [(status: String, error: String, identities: [String])] = []
        var index: [String: Int] = [:]
        for status in statuses {
            let key = "\(status.status.rawValue)\u{0}\(status.error)"
            if let at = index[key] {
                groups[at].identities.append(status.identity)
            } else {
                index[key] = groups.count
                groups.append((Output.statusName(status.status), status.error, [status.identity]))
            }
        }
        guard !groups.isEmpty else { return }
        let rows = groups.map { group in
            let shown = group.identities.prefix(Self.namesPerGroup).joined(separator: ", ")
            let more =
                group.identities.count > Self.namesPerGroup
                ? " … (\(group.identities.count - Self.namesPerGroup) more)" : ""
            return [group.status, "\(group.identities.count) ×", group.error.isEmpty ? "-" : group.error, shown + more]
        }
        Output.line(Output.table(["STATUS", "COUNT", "ERROR", "TARGETS"], rows))
    }

    /// A dry run names a few of the targets it counted.
    private func printSample(of count: UInt32, filter: String?, client: PrismClient) async throws {
        guard count > 0 else { return }
        let page = try await client.enumeratePage(
            EnumerateOptions(filter: filter, pageSize: Self.namesPerGroup, includeMetadata: false))
        let more = Int(count) > page.identities.count ? " … (\(Int(count) - page.identities.count) more)" : ""
        Output.line("e.g. " + page.identities.map(\.identity).joined(separator: ", ") + more)
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
