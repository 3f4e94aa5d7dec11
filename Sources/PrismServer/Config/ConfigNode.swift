import PrismAPI
import PrismFilter
import Yams

/// A YAML node with the key path that led to it, so every complaint names its place.
struct ConfigNode {
    let node: Node
    let keyPath: String
    let file: String

    var line: Int? { node.mark.map(\.line) }

    func error(_ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, keyPath: keyPath, reason: reason)
    }

    private func child(_ node: Node, _ key: String) -> ConfigNode {
        ConfigNode(node: node, keyPath: keyPath.isEmpty ? key : "\(keyPath).\(key)", file: file)
    }

    /// The mapping's entries by key, refusing keys outside `allowed` (with a suggestion for a typo).
    func mapping(allowed: [String]) throws(ConfigurationError) -> [String: ConfigNode] {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys to values") }
        var entries: [String: ConfigNode] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { throw error("keys must be plain strings") }
            let entry = child(value, key)
            guard allowed.contains(key) else {
                let suggestion = ClosestName.find(key, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                throw ConfigurationError(
                    file: file, line: keyNode.mark?.line, keyPath: entry.keyPath,
                    reason: "unknown key '\(key)'\(suggestion); allowed here: \(allowed.joined(separator: ", "))")
            }
            entries[key] = entry
        }
        return entries
    }

    func list() throws(ConfigurationError) -> [ConfigNode] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { index, item in
            ConfigNode(node: item, keyPath: "\(keyPath)[\(index)]", file: file)
        }
    }

    /// A non-empty scalar; YAML's null (`~`, nothing) is refused rather than read as text.
    func string() throws(ConfigurationError) -> String {
        guard let scalar = node.scalar else { throw error("expected a string") }
        guard !["", "~", "null"].contains(scalar.string) else {
            throw error("expected a value, found nothing")
        }
        return scalar.string
    }

    /// Its range is ``ServerConfiguration/validate(file:line:)``'s to check.
    func integer() throws(ConfigurationError) -> Int {
        guard let text = node.scalar?.string, let value = Int(text) else { throw error("expected a whole number") }
        return value
    }

    /// YAML's `true` or `false` (yes/no/on/off are refused: they are the YAML 1.1 trap).
    func boolean() throws(ConfigurationError) -> Bool {
        switch node.scalar?.string {
        case "true": true
        case "false": false
        default: throw error("expected true or false")
        }
    }

    /// `30s`, `5m`, `1h`, `500ms`; zero or `none` means "no duration" when `allowsNone`.
    func duration(allowsNone: Bool) throws(ConfigurationError) -> Duration? {
        let text = try string()
        if allowsNone, text == "none" { return nil }
        let duration: Duration
        do {
            duration = try DurationText.parse(text)
        } catch {
            throw self.error(error.description)
        }
        guard duration != .zero else {
            guard allowsNone else { throw error("must be above zero") }
            return nil
        }
        return duration
    }

    func hostAndPort() throws(ConfigurationError) -> HostAndPort {
        let text = try string()
        guard let address = HostAndPort(text) else {
            throw error("'\(text)' is not HOST:PORT (e.g. 127.0.0.1:8980)")
        }
        return address
    }
}
