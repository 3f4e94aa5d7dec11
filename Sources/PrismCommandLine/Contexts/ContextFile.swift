import Foundation
import PrismFilter

/// The tools' contexts file: named sets of defaults (server, namespace, timeout) and the one in use.
///
/// ```yaml
/// current-context: lab
/// contexts:
///   lab:
///     server: 10.0.0.5:8980
///     namespace: iot
///     timeout: 5s
///   local:
///     server: 127.0.0.1:8980
/// ```
///
/// It lives at `$PRISM_CLIENT_CONFIG`, else `$XDG_CONFIG_HOME/prism/config.yaml`, else
/// `~/.config/prism/config.yaml`. A file that is not there has no contexts.
public struct ContextFile: Sendable {
    /// Where the file was read from, or will be written to.
    public var path: String
    public var currentContext: String?
    public var contexts: [ClientContext] = []
    /// The file's text as read, so that `use` can change one line and keep the comments.
    var text: String?
    var currentContextLine: Int?

    public init(path: String) {
        self.path = path
    }

    /// Whether there was a file to read.
    public var exists: Bool { text != nil }

    public func context(named name: String) -> ClientContext? {
        contexts.first { $0.name == name }
    }

    /// The path of the file for this environment.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        // Not $PRISM_CONFIG: that is prismd's server configuration, often set in the same shell.
        if let path = environment["PRISM_CLIENT_CONFIG"], !path.isEmpty { return path }
        // The XDG spec says a relative $XDG_CONFIG_HOME is invalid and to be ignored.
        if let directory = environment["XDG_CONFIG_HOME"], directory.hasPrefix("/") {
            return directory + "/prism/config.yaml"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/prism/config.yaml"
    }

    /// Reads the file for this environment; no file is no contexts.
    /// - Throws: ``ContextFileError`` naming the line and key of what is wrong.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ContextFileError) -> ContextFile
    {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return ContextFile(path: path) }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ContextFileError(file: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    /// The context the tools use: the one named (by `--context` or `$PRISM_CONTEXT`, `source` says
    /// which), else `current-context`, else none.
    /// - Throws: ``ContextFileError`` when that name is not among the contexts, with the closest one.
    public func selectedContext(named requested: String?, source: String = "--context") throws(ContextFileError)
        -> ClientContext?
    {
        if let requested {
            guard let found = context(named: requested) else { throw unknown(requested, keyPath: source, line: nil) }
            return found
        }
        guard let current = currentContext else { return nil }
        guard let found = context(named: current) else {
            throw unknown(current, keyPath: "current-context", line: currentContextLine)
        }
        return found
    }

    /// "no context 'labb'; did you mean 'lab'?; contexts: lab, local", in the style of prismd's config errors.
    func unknown(_ name: String, keyPath: String, line: Int?) -> ContextFileError {
        guard exists, !contexts.isEmpty else {
            let why = exists ? "it has no contexts" : "the file does not exist"
            return ContextFileError(
                file: path, line: line, keyPath: keyPath,
                reason: "no context '\(name)': \(why); create it with prism context set \(name) --server HOST:PORT")
        }
        let names = contexts.map(\.name)
        let hint = ClosestName.find(name, among: names).map { "; did you mean '\($0)'?" } ?? ""
        return ContextFileError(
            file: path, line: line, keyPath: keyPath,
            reason: "no context '\(name)'\(hint); contexts: \(names.joined(separator: ", "))")
    }
}
