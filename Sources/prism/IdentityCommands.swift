import ArgumentParser
import PrismAPI
import PrismClient
import PrismCommandLine

struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register an identity with metadata and a TTL.",
        usage: "prism register <identity> [--meta <key=value> ...] [<options>]",
        discussion: """
            prism register sensor-1 --meta type=sensor --meta location.floor=1 --ttl 30s

            Without --replace, registering an identity that exists is refused (ALREADY_EXISTS).
            """)

    @Argument(help: "Identity: 1-256 of A-Z a-z 0-9 . _ : -") var identity: String
    @OptionGroup var metadata: MetadataArguments
    @Option(
        help: ArgumentHelp("Time to live, e.g. 30s (default: the namespace's).", valueName: "duration"),
        transform: DurationArgument.parse)
    var ttl: Duration?
    @Flag(help: "Replace an existing registration.") var replace = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let object = try metadata.object()
        try await client.run { client in
            let response: Prism_Registry_V1_RegisterResponse
            do {
                response = try await client.register(identity, metadata: object, ttl: ttl, replace: replace)
            } catch let error as PrismClientError {
                guard case .rejected(.alreadyExists, _) = error else { throw error }
                throw PrismClientError.rejected(
                    code: .alreadyExists,
                    message: "identity '\(identity)' is already registered; add --replace to overwrite it")
            }
            if self.client.printsDocuments { return self.client.printDocument(ToolJSON.registration(response)) }
            Output.line(
                "\(response.replaced ? "replaced" : "registered") \(identity), expires \(Output.expiry(response.identity))"
            )
        }
    }
}

struct HeartbeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat", abstract: "Renew an identity's TTL, optionally patching its metadata.",
        usage: "prism heartbeat <identity> [--ttl <duration>] [<options>]")

    @Argument var identity: String
    @Option(
        help: ArgumentHelp("New TTL (default: the namespace's).", valueName: "duration"),
        transform: DurationArgument.parse)
    var ttl: Duration?
    @OptionGroup var metadata: MetadataArguments
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let patch = try metadata.object()
        try await client.run { client in
            let identity = try await client.heartbeat(
                self.identity, ttl: ttl, metadataPatch: patch.isEmpty ? nil : patch)
            if self.client.printsDocuments { return self.client.printDocument(ToolJSON.identity(identity)) }
            Output.line("renewed \(identity.identity), expires \(Output.expiry(identity))")
        }
    }
}

struct UnregisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unregister", abstract: "Remove an identity (succeeds when it is absent too).",
        usage: "prism unregister <identity> [<options>]",
        aliases: ["rm"])

    @Argument var identity: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await client.run { client in
            let removed = try await client.unregister(identity)
            if self.client.printsDocuments {
                return self.client.printDocument(ToolJSON.removal(identity: identity, removed: removed))
            }
            Output.line(removed ? "unregistered \(identity)" : "\(identity) was not registered")
        }
    }
}

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show one identity.", usage: "prism get <identity> [<options>]",
        discussion: "prism get sensor-1 -o wide --columns battery,location.floor")

    @Argument var identity: String
    @OptionGroup var columns: ColumnArguments
    @OptionGroup var client: ClientOptions

    func validate() throws {
        try columns.validate(format: client.format, noMetadata: false)
    }

    func run() async throws {
        let wide = try self.client.format == .wide ? columns.paths() : []
        try await client.run { client in
            let identity = try await client.get(self.identity)
            if self.client.printsDocuments { return self.client.printDocument(ToolJSON.identity(identity)) }
            // Wide is enumerate's table for one identity, so that its columns line up with a listing's.
            if self.client.format == .wide {
                return Output.line(
                    Output.table(
                        ["IDENTITY", "EXPIRES"] + wide.map(\.title) + ["METADATA"],
                        [
                            [identity.identity, Output.expiry(identity)] + ColumnArguments.cells(identity, wide)
                                + [Output.metadata(identity)]
                        ]))
            }
            Output.line(
                Output.table(
                    ["identity", identity.identity],
                    [
                        ["metadata", Output.metadata(identity)],
                        ["registered_at", Output.timestamp(identity.registeredAt)],
                        ["updated_at", Output.timestamp(identity.updatedAt)],
                        ["expires", Output.expiry(identity)],
                    ]))
        }
    }
}
