/// Why a config file was refused: the file, the line, the key path and the reason, e.g.
/// `prism.yaml:7: namespaces[0].slots.registry.backend: unknown registry backend 'mongo'; supported registry backends: memory, sqlite, redis`.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// Dotted path with list indexes, e.g. `namespaces[1].default_ttl`; empty for the whole document.
    public var keyPath: String
    public var reason: String

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return keyPath.isEmpty ? "\(location): \(reason)" : "\(location): \(keyPath): \(reason)"
    }
}
