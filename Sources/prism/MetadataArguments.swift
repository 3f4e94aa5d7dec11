import ArgumentParser
import PrismFilter

/// `--metadata JSON` and `--meta k=v`: v is taken as JSON when it parses as JSON (`floor=1` is a
/// number, `online=true` a boolean), else as a string; dotted keys nest (`location.building=HQ`).
struct MetadataArguments: ParsableArguments {
    @Option(name: .customLong("meta"), help: ArgumentHelp("A metadata entry; repeat for more.", valueName: "key=value"))
    var entries: [String] = []

    @Option(help: ArgumentHelp("Metadata as a JSON object; --meta entries are applied on top.", valueName: "json"))
    var metadata: String?

    /// - Throws: ExitCode 2 with the reason, for malformed JSON or an entry without `=`.
    func object() throws -> JSONObject {
        var object: JSONObject = [:]
        if let metadata {
            do {
                guard case .object(let parsed) = try Value(json: metadata) else {
                    throw CommandFailure.invalid("--metadata must be a JSON object, e.g. '{\"floor\": 1}'")
                }
                object = parsed
            } catch let error as FilterError {
                throw CommandFailure.invalid("--metadata is not valid JSON: \(error)")
            }
        }
        for entry in entries {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw CommandFailure.invalid("--meta '\(entry)' must be key=value, e.g. floor=1 or building=HQ")
            }
            let path = entry[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.contains("") else {
                throw CommandFailure.invalid("--meta '\(entry)': the key has an empty segment")
            }
            let text = String(entry[entry.index(after: equals)...])
            let value = (try? Value(json: text)) ?? .string(text)
            guard let updated = Self.setting(value, at: path[...], in: object) else {
                throw CommandFailure.invalid(
                    "--meta '\(entry)': '\(path.dropLast().joined(separator: "."))' already holds a value that is not an object"
                )
            }
            object = updated
        }
        return object
    }

    /// `nil` when a segment of the path already holds a value that is not an object.
    private static func setting(_ value: Value, at path: ArraySlice<String>, in object: JSONObject) -> JSONObject? {
        guard let key = path.first else { return object }
        var members = Dictionary(uniqueKeysWithValues: Array(object))
        if path.count == 1 {
            members[key] = value
        } else {
            let inner: JSONObject
            switch members[key] {
            case nil: inner = [:]
            case .object(let existing)?: inner = existing
            default: return nil
            }
            guard let updated = setting(value, at: path.dropFirst(), in: inner) else { return nil }
            members[key] = .object(updated)
        }
        return JSONObject(members)
    }
}
