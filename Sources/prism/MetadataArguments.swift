import ArgumentParser
import PrismFilter

/// `--metadata JSON` and `--meta`, httpie's way: `k=v` is a string unless v reads back exactly as the
/// JSON it parses to (`floor=1`, `battery=0.8`, `online=true`, `x=null`), so no guess loses anything:
/// `firmware=2.0`, `ver=1.10`, `serial=1e3` and `zip=007` stay strings. `k:=json` is always JSON
/// (`firmware:=2.0` is the number 2, `tags:=["a","b"]`). Dotted keys nest (`location.building=HQ`).
struct MetadataArguments: ParsableArguments {
    @Option(
        name: .customLong("meta"),
        help: ArgumentHelp(
            "A metadata entry; repeat for more. key=value keeps value as text unless it is exactly a JSON "
                + "number, true, false or null as written; key:=json is always JSON.",
            valueName: "key=value|key:=json"))
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
                throw CommandFailure.invalid(
                    "--meta '\(entry)' must be key=value or key:=json, e.g. building=HQ or floor:=1")
            }
            let explicitJSON = entry[entry.index(before: equals)] == ":"
            let key = entry[..<(explicitJSON ? entry.index(before: equals) : equals)]
            let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !key.isEmpty, !path.contains("") else {
                throw CommandFailure.invalid("--meta '\(entry)': the key has an empty segment")
            }
            let text = String(entry[entry.index(after: equals)...])
            let value: Value
            if explicitJSON {
                do {
                    value = try Value(json: text)
                } catch {
                    throw CommandFailure.invalid("--meta '\(entry)': the value after := is not JSON: \(error)")
                }
            } else {
                value = Self.lossless(text)
            }
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

    /// `text` as the JSON scalar it spells when that scalar, stored and shown again, is `text`; else the
    /// text. Metadata numbers travel as doubles (google.protobuf.Struct), so `2.0` would come back as `2`.
    static func lossless(_ text: String) -> Value {
        guard let parsed = try? Value(json: text) else { return .string(text) }
        switch parsed {
        case .bool, .null: return parsed
        case .int(let integer):
            // Above 2^53 a double no longer holds every integer.
            return String(integer) == text && integer.magnitude <= 1 << 53 ? parsed : .string(text)
        case .double(let double):
            return double.rounded() != double && "\(double)" == text ? parsed : .string(text)
        default: return .string(text)
        }
    }
}
