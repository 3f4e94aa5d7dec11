import Foundation
import PrismAPI
import PrismDurations
import Yams

extension ContextFile {
    /// What a context may be called: it is written unquoted in YAML and typed on command lines.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 63 else { return false }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        return CharacterSet.letters.contains(first)
            && name.unicodeScalars.allSatisfy { $0.isASCII && allowed.contains($0) }
    }

    /// The file's text with `current-context` set to `name`. Only that line changes, so comments and
    /// the order of everything else stay as the person wrote them.
    public func textUsing(_ name: String) throws(ContextFileError) -> String {
        guard let text else { return try textRewritten() }
        var lines = text.components(separatedBy: "\n")
        if let line = currentContextLine, lines.indices.contains(line - 1),
            lines[line - 1].hasPrefix("current-context:")
        {
            lines[line - 1] = "current-context: \(name)"
        } else if currentContextLine == nil {
            lines.insert("current-context: \(name)", at: lines.firstIndex { !$0.hasPrefix("#") } ?? lines.count)
        } else {
            // Flow style (`{current-context: a, …}`): no single line to change.
            var changed = self
            changed.currentContext = name
            return try changed.textRewritten()
        }
        return lines.joined(separator: "\n")
    }

    /// The whole file written afresh (comments are not kept): what `prism context set` saves.
    public func textRewritten() throws(ContextFileError) -> String {
        var root: [(Node, Node)] = []
        if let currentContext { root.append(("current-context", Self.scalar(currentContext))) }
        let contexts = contexts.map { context -> (Node, Node) in
            var settings: [(Node, Node)] = []
            if let server = context.server { settings.append(("server", Self.scalar(server))) }
            if let namespace = context.namespace { settings.append(("namespace", Self.scalar(namespace))) }
            if let timeout = context.timeout { settings.append(("timeout", Self.scalar(timeout.written))) }
            return (Self.scalar(context.name), Node(settings))
        }
        root.append(("contexts", Node(contexts)))
        do {
            return Self.header + (try Yams.serialize(node: Node(root), indent: 2))
        } catch {
            throw ContextFileError(file: path, reason: "cannot write YAML: \(error)")
        }
    }

    /// Writes `text` to the file (through a symbolic link, as dotfile managers make), creating its directory.
    public func save(_ text: String) throws(ContextFileError) {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw ContextFileError(file: path, reason: "cannot write the file: \(error.localizedDescription)")
        }
    }

    /// A string quoted when YAML would otherwise read it as something else (`"1"`, `"true"`).
    private static func scalar(_ text: String) -> Node {
        .scalar(text.represented())
    }

    private static let header = """
        # prism's contexts (see `prism context --help`). Each context holds server, namespace and timeout;
        # credentials will join them once prismd has authentication. `prism context set` rewrites this file.

        """
}
