import ArgumentParser
import PrismAPI
import PrismClient
import PrismCommandLine
import PrismFilter

struct EnumerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enumerate", abstract: "List the identities a filter selects.",
        discussion: """
            prism enumerate --filter 'type == "sensor" and floor >= 2' --sort battery --limit 20
            With --json, prints one EnumerateResponse per page fetched.
            """)

    @OptionGroup var filter: FilterArguments
    @Option(help: "At most this many identities (default 100).") var limit = 100
    @Option(help: ArgumentHelp("Sort by a dotted metadata path (default: identity).", valueName: "path")) var sort:
        String?
    @Flag(help: "Sort descending.") var desc = false
    @Flag(name: .customLong("no-metadata"), help: "Leave metadata out.") var noMetadata = false
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let filterText = try filter.text()
        try await client.run { client in
            var options = EnumerateOptions(
                filter: filterText, pageSize: min(limit, 1000), sortBy: sort, descending: desc,
                includeMetadata: !noMetadata)
            var rows: [[String]] = []
            var total: UInt64 = 0
            var cursor: String?
            var sortFieldSeen = false
            var keysSeen: Set<String> = []
            repeat {
                options.pageSize = min(1000, limit - rows.count)
                let page = try await client.enumeratePage(options, cursor: cursor)
                if let sort, !noMetadata {
                    for identity in page.identities {
                        let metadata = identity.metadataObject
                        keysSeen.formUnion(metadata.keys)
                        if Self.value(at: sort, in: metadata) != nil { sortFieldSeen = true }
                    }
                }
                if self.client.json { try Output.printJSON(page) }
                total = page.totalCount
                rows += page.identities.map { [$0.identity, Output.expiry($0), noMetadata ? "" : Output.metadata($0)] }
                cursor = page.nextCursor.isEmpty ? nil : page.nextCursor
            } while cursor != nil && rows.count < limit
            if let sort, !noMetadata, !sortFieldSeen, !rows.isEmpty {
                let hint = ClosestName.find(sort, among: Array(keysSeen)).map { "; did you mean '\($0)'?" } ?? ""
                printError("prism: warning: no identity listed has '\(sort)', so they are in identity order\(hint)")
            }
            if self.client.json { return }
            if !rows.isEmpty { Output.line(Output.table(["IDENTITY", "EXPIRES", "METADATA"], rows)) }
            Output.line("\(rows.count) of \(total) identities")
        }
    }

    /// The value at a sort field written as a path, when the identity has it.
    static func value(at field: String, in metadata: JSONObject) -> Value? {
        guard let path = try? FieldPath(parsing: field), !path.isIdentity else { return .null }
        var current: Value = .object(metadata)
        for segment in path.segments {
            guard case .object(let object) = current, let next = object[segment] else { return nil }
            current = next
        }
        return current
    }
}
