import ArgumentParser
import PrismAPI
import PrismClient
import PrismCommandLine
import PrismFilter

struct EnumerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enumerate", abstract: "List the identities a filter selects.",
        discussion: """
            prism enumerate --filter 'type == "sensor" and floor >= 2' --sort battery
            prism enumerate --all -o jsonl | jq -r .identity
            prism enumerate -o wide --columns battery,location.floor --sort battery

            Prints up to --limit identities (following pages as needed), or every one with --all. When more \
            are left, the table's last line and the JSON's next_cursor give the --cursor to go on with.
            """, aliases: ["ls"])

    @OptionGroup var filter: FilterArguments
    @Option(help: "At most this many identities.") var limit = 100
    @Flag(help: "Every identity the filter selects, however many pages that takes.") var all = false
    @Option(help: ArgumentHelp("Go on from where an earlier listing stopped (its next_cursor).", valueName: "cursor"))
    var cursor: String?
    @Option(help: ArgumentHelp("Sort by a dotted metadata path (default: identity).", valueName: "path")) var sort:
        String?
    @Flag(help: "Sort descending.") var desc = false
    @Flag(name: .customLong("no-metadata"), help: "Leave metadata out.") var noMetadata = false
    @OptionGroup var columns: ColumnArguments
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        try columns.validate(format: client.format, noMetadata: noMetadata)
    }

    func run() async throws {
        let filterText = try filter.text()
        let wide = try self.client.format == .wide ? columns.paths(sortedBy: noMetadata ? nil : sort) : []
        try await client.run { client in
            var options = EnumerateOptions(
                filter: filterText, pageSize: 1000, sortBy: sort, descending: desc, includeMetadata: !noMetadata)
            var listed = 0
            var total: UInt64 = 0
            var next = cursor
            var rows: [[String]] = []
            var identities: [Prism_Registry_V1_Identity] = []
            var sortFieldSeen = false
            var keysSeen: Set<String> = []
            repeat {
                options.pageSize = all ? 1000 : min(1000, limit - listed)
                let page = try await client.enumeratePage(options, cursor: next)
                total = page.totalCount
                next = page.nextCursor.isEmpty ? nil : page.nextCursor
                listed += page.identities.count
                if let sort, !noMetadata {
                    for identity in page.identities {
                        let metadata = identity.metadataObject
                        keysSeen.formUnion(metadata.keys)
                        if Self.value(at: sort, in: metadata) != nil { sortFieldSeen = true }
                    }
                }
                switch self.client.format {
                // One identity a line as they come: a listing of millions streams instead of piling up.
                case .jsonl: page.identities.forEach { Output.printJSON(ToolJSON.identity($0)) }
                case .json, .yaml: identities += page.identities
                case .table, .wide:
                    rows += page.identities.map {
                        [$0.identity, Output.expiry($0)] + ColumnArguments.cells($0, wide)
                            + [noMetadata ? "" : Output.metadata($0)]
                    }
                }
            } while next != nil && (all || listed < limit)
            if let sort, !noMetadata, !sortFieldSeen, listed > 0 {
                let hint = ClosestName.find(sort, among: Array(keysSeen)).map { "; did you mean '\($0)'?" } ?? ""
                printError("prism: warning: no identity listed has '\(sort)', so they are in identity order\(hint)")
            }
            switch self.client.format {
            case .jsonl: return
            case .json, .yaml:
                return self.client.printDocument(
                    ToolJSON.enumeration(identities, totalCount: total, nextCursor: next ?? ""))
            case .table, .wide:
                let header = ["IDENTITY", "EXPIRES"] + wide.map(\.title) + ["METADATA"]
                if !rows.isEmpty { Output.line(Output.table(header, rows)) }
                let more = next.map { "; more with --cursor \($0) (or --all)" } ?? ""
                Output.line("\(listed) of \(total) identities\(more)")
            }
        }
    }

    /// The value at a sort field written as a path, when the identity has it (`@id` always has one).
    static func value(at field: String, in metadata: JSONObject) -> Value? {
        guard let path = try? FieldPath(parsing: field), !path.isIdentity else { return .null }
        return metadata.value(at: path.segments)
    }
}
