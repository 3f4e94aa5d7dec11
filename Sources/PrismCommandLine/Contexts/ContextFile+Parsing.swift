import PrismAPI
import PrismFilter
import Yams

extension ContextFile {
    /// Reads the file's text. Every complaint names the line and the key: a wrong key (with the closest
    /// right one), a value of the wrong kind, a duration that does not parse.
    public static func parse(_ text: String, file: String) throws(ContextFileError) -> ContextFile {
        var result = ContextFile(path: file)
        result.text = text
        let document: Node?
        do {
            document = try Yams.compose(yaml: text)
        } catch {
            throw yamlError(error, file: file)
        }
        // An empty file (or one with only comments) has no contexts.
        guard let document else { return result }
        let reader = Reader(file: file)
        for (keyNode, value, key) in try reader.entries(
            of: document, keyPath: "", allowed: ["current-context", "contexts"])
        {
            switch key {
            case "current-context":
                result.currentContext = try reader.string(value, keyPath: key)
                result.currentContextLine = keyNode.mark?.line
            default:
                result.contexts = try reader.contexts(value)
            }
        }
        return result
    }

    /// Yams' parse errors carry the place; the rest say what they can.
    private static func yamlError(_ error: any Error, file: String) -> ContextFileError {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text))" } ?? ""
            return ContextFileError(file: file, line: mark.line, reason: "not valid YAML: \(problem)\(detail)")
        default:
            return ContextFileError(file: file, reason: "not valid YAML: \(error)")
        }
    }
}

/// Walks the YAML document, naming the file, line and key path of anything it refuses.
private struct Reader {
    let file: String

    func error(_ node: Node, _ keyPath: String, _ reason: String) -> ContextFileError {
        ContextFileError(file: file, line: node.mark?.line, keyPath: keyPath, reason: reason)
    }

    /// The mapping's entries in order, refusing keys outside `allowed` with the closest allowed one.
    func entries(of node: Node, keyPath: String, allowed: [String]) throws(ContextFileError)
        -> [(key: Node, value: Node, name: String)]
    {
        guard let mapping = node.mapping else {
            throw error(node, keyPath, "expected a mapping of \(allowed.joined(separator: ", ")) to values")
        }
        var entries: [(key: Node, value: Node, name: String)] = []
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string else { throw error(keyNode, keyPath, "keys must be plain strings") }
            let path = keyPath.isEmpty ? name : "\(keyPath).\(name)"
            guard allowed.contains(name) else { throw error(keyNode, path, unknownKey(name, allowed: allowed)) }
            entries.append((keyNode, value, name))
        }
        return entries
    }

    private func unknownKey(_ name: String, allowed: [String]) -> String {
        if name == "credentials" {
            return "credentials are not supported yet: prismd has no authentication, so none would be sent; "
                + "a context holds \(allowed.joined(separator: ", "))"
        }
        let hint = ClosestName.find(name, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
        return "unknown key '\(name)'\(hint); allowed here: \(allowed.joined(separator: ", "))"
    }

    /// A non-empty scalar; YAML's null (`~`, nothing) is refused rather than read as text.
    func string(_ node: Node, keyPath: String) throws(ContextFileError) -> String {
        guard let scalar = node.scalar else { throw error(node, keyPath, "expected a string") }
        guard !["", "~", "null"].contains(scalar.string) else { throw error(node, keyPath, "expected a value") }
        return scalar.string
    }

    /// `contexts:` maps each name to its settings; `name: {}` (or nothing) is a context with none.
    func contexts(_ node: Node) throws(ContextFileError) -> [ClientContext] {
        if let scalar = node.scalar, ["", "~", "null"].contains(scalar.string) { return [] }
        guard let mapping = node.mapping else {
            throw error(node, "contexts", "expected a mapping of context names to their settings")
        }
        var contexts: [ClientContext] = []
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string, !name.isEmpty else {
                throw error(keyNode, "contexts", "context names must be plain strings")
            }
            let keyPath = "contexts.\(name)"
            guard !contexts.contains(where: { $0.name == name }) else {
                throw error(keyNode, keyPath, "a second context named '\(name)'")
            }
            var context = ClientContext(name: name)
            if let scalar = value.scalar, ["", "~", "null"].contains(scalar.string) {
                contexts.append(context)
                continue
            }
            for (_, setting, key) in try entries(of: value, keyPath: keyPath, allowed: ClientContext.keys) {
                let text = try string(setting, keyPath: "\(keyPath).\(key)")
                switch key {
                case "server":
                    guard let address = HostAndPort(text), address.port != 0 else {
                        let scheme = text.range(of: "://").map { "; leave out '\(text[..<$0.upperBound])'" } ?? ""
                        throw error(
                            setting, "\(keyPath).\(key)", "'\(text)' is not HOST:PORT (e.g. 127.0.0.1:8980)\(scheme)")
                    }
                    context.server = text
                case "namespace": context.namespace = text
                default:
                    let timeout: Duration
                    do {
                        timeout = try DurationText.parse(text)
                    } catch {
                        throw self.error(setting, "\(keyPath).\(key)", error.description)
                    }
                    guard timeout > .zero else { throw self.error(setting, "\(keyPath).\(key)", "must be above zero") }
                    context.timeout = timeout
                }
            }
            contexts.append(context)
        }
        return contexts
    }
}
