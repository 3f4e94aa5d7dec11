import ArgumentParser
import Foundation
import PrismAPI
import PrismClient
import PrismFilter

/// `--columns battery,floor`: metadata fields `-o wide` shows as columns of their own, written as paths
/// in a filter (`location.floor`, `@id`). The cells read as the table's metadata does, without the JSON
/// quotes on strings: `HQ`, `0.8`, `true`; `-` where the identity has no such field.
struct ColumnArguments: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Metadata fields for -o wide to show as columns, comma-separated (dotted paths allowed).",
            valueName: "path,…"))
    var columns: [String] = []

    /// --columns shapes the wide table: elsewhere it would do nothing, which is refused rather than ignored.
    func validate(format: OutputFormat, noMetadata: Bool) throws {
        guard !columns.isEmpty else { return }
        guard format == .wide else { throw ValidationError("--columns needs -o wide") }
        guard !noMetadata else { throw ValidationError("--columns shows metadata; leave out --no-metadata") }
    }

    /// The paths as written, each checked; --columns (repeatable) is split at commas.
    func paths(sortedBy sort: String? = nil) throws -> [(title: String, path: FieldPath)] {
        var written = columns.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        // A sort field that is not a path is the server's to refuse, in the words it uses for --sort.
        if let sort, !written.contains(sort), let path = try? FieldPath(parsing: sort), !path.isIdentity {
            written.append(sort)
        }
        return try written.filter { !$0.isEmpty }.map { text in
            do throws(FilterError) {
                return (text.uppercased(), try FieldPath(parsing: text))
            } catch {
                throw CommandFailure.invalid("invalid column '\(text)': \(error.message); write a path as in a filter")
            }
        }
    }

    /// One identity's cells for `paths`.
    static func cells(_ identity: Prism_Registry_V1_Identity, _ paths: [(title: String, path: FieldPath)])
        -> [String]
    {
        let metadata = identity.metadataObject
        return paths.map { column in
            if column.path.isIdentity { return identity.identity }
            switch metadata.value(at: column.path.segments) {
            case nil: return "-"
            case .string(let text)?: return text
            case let value?: return value.jsonText
            }
        }
    }
}
