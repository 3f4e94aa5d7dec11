/// Why the contexts file, or a context named on the command line, cannot be used: the file, the line when
/// there is one, the key and the reason, e.g.
/// `~/.config/prism/config.yaml:7: contexts.lab.timeout: invalid duration '5'; …`.
public struct ContextFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// Dotted path of the offending key (`contexts.lab.server`); empty for the whole file.
    public var keyPath: String
    public var reason: String

    public init(file: String, line: Int? = nil, keyPath: String = "", reason: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.reason = reason
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return keyPath.isEmpty ? "\(location): \(reason)" : "\(location): \(keyPath): \(reason)"
    }
}
