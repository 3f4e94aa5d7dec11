import ArgumentParser
import Foundation
import PrismAPI
import PrismClient
import PrismCommandLine

struct SubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Print the messages multicast to identities (as a device would receive them).",
        usage: "prism subscribe <identity> ... [--ack] [<options>]",
        discussion: """
            prism subscribe sensor-1 --ack

            Prints "subscribed to ..." on stderr once prismd delivers to this subscriber, then one line per \
            message: identity, message id, payload. Runs until interrupted or the server ends the stream.
            """)

    @Argument(help: "Identities to receive messages for.") var identities: [String]
    @Flag(help: "Acknowledge each message that asks for it.") var ack = false
    @Option(
        name: .customLong("ack-error"),
        help: ArgumentHelp("Acknowledge with this error instead (the sender sees FAILED).", valueName: "text"))
    var ackError: String?
    @Option(
        name: .customLong("reply"),
        help: ArgumentHelp("Acknowledge with this answer (the sender sees it in its report).", valueName: "text"))
    var reply: String?
    @Option(help: "Exit after this many messages.") var count: Int?
    @Flag(help: "With -o json, jsonl or yaml, payloads in base64 (by default they are text when they are UTF-8).")
    var base64 = false
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !identities.isEmpty else { throw ValidationError("name at least one identity") }
    }

    func run() async throws {
        try await client.run { client in
            try await client.subscribe(identities) { messages in
                printError("subscribed to \(identities.joined(separator: ", "))")
                var received = 0
                for try await message in messages {
                    if self.client.printsDocuments {
                        self.client.printDocument(ToolJSON.message(message, base64: base64), streamed: true)
                    } else {
                        let payload = String(decoding: message.payload, as: UTF8.self)
                        Output.line("\(message.identity)  \(message.messageID)  \(payload)")
                    }
                    if ack || ackError != nil || reply != nil, message.ackRequested {
                        do {
                            try await client.ack(
                                messageID: message.messageID, error: ackError, reply: Array((reply ?? "").utf8))
                        } catch let error as PrismClientError {
                            // The sender stopped waiting (its timeout passed): say so and keep receiving.
                            guard case .rejected(let code, let reason) = error, code == .notFound else { throw error }
                            printError("prism: ack of \(message.messageID) too late: \(reason)")
                        }
                    }
                    received += 1
                    if let count, received >= count { return }
                }
            }
        }
    }
}

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Print the namespace's events as they happen.",
        usage: "prism watch [--filter <expr>] [--from-revision <revision>] [<options>]",
        discussion: """
            prism watch --filter 'type == "sensor"'

            One line per event: revision, kind, identity (or the multicast summary).
            """)

    @OptionGroup var filter: FilterArguments
    @Option(
        name: .customLong("from-revision"),
        help: "Replay the events after this revision first, while prismd still has them.")
    var fromRevision: UInt64?
    @Option(help: "Exit after this many events.") var count: Int?
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let filterText = try filter.text()
        try await client.run { client in
            try await client.watch(filter: filterText, startRevision: fromRevision) { events in
                printError("watching namespace \(client.namespace)")
                var received = 0
                for try await event in events {
                    if self.client.printsDocuments {
                        self.client.printDocument(ToolJSON.event(event), streamed: true)
                    } else {
                        Output.line(Output.eventLine(event))
                    }
                    received += 1
                    if let count, received >= count { return }
                }
            }
        }
    }
}

extension Output {
    static func eventLine(_ event: Prism_Registry_V1_Event) -> String {
        let kind = String(describing: event.kind).uppercased()
        if event.hasMulticast {
            let summary = event.multicast
            return "\(event.revision)  MULTICAST  \(summary.multicastID)  targets=\(summary.targetCount) "
                + "delivered=\(summary.deliveredCount) failed=\(summary.failedCount) timeout=\(summary.timeoutCount)"
        }
        return "\(event.revision)  \(kind)  \(event.identity.identity)  \(metadata(event.identity))"
    }
}

struct PatternsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns", abstract: "List the server's namespaces with their backends and health.",
        usage: "prism patterns [-n <namespace>] [<options>]")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await client.run { client in
            // With --namespace, that namespace alone (NOT_FOUND when the server has none of that name).
            let patterns = try await client.listPatterns().filter {
                !self.client.namespaceWasGiven || $0.namespace == client.namespace
            }
            if self.client.namespaceWasGiven, patterns.isEmpty {
                throw PrismClientError.rejected(
                    code: .notFound, message: "no namespace '\(client.namespace)' on \(client.server)")
            }
            switch self.client.format {
            case .json, .yaml:
                return self.client.printDocument(.object(["patterns": .array(patterns.map(ToolJSON.pattern))]))
            case .jsonl: return patterns.forEach { Output.printJSON(ToolJSON.pattern($0)) }
            case .table, .wide: break
            }
            let rows = patterns.map { pattern in
                [
                    pattern.namespace, pattern.pattern, String(describing: pattern.lifecycle).uppercased(),
                    String(describing: pattern.health).uppercased(),
                    "\(pattern.registry.backend) (\(String(describing: pattern.registry.health).uppercased()))",
                    "\(pattern.messaging.backend) (\(String(describing: pattern.messaging.health).uppercased()))",
                    "\(pattern.identities)",
                ]
            }
            Output.line(
                Output.table(
                    ["NAMESPACE", "PATTERN", "LIFECYCLE", "HEALTH", "REGISTRY", "MESSAGING", "IDENTITIES"], rows))
        }
    }
}
