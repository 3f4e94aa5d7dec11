import PrismRegistry

/// The namespaces one prismd serves, by name. Empty names mean `default`, as the API promises.
public struct NamespaceDirectory: Sendable {
    public let runtimes: [NamespaceRuntime]
    private let byName: [String: NamespaceRuntime]

    public init(_ runtimes: [NamespaceRuntime]) {
        self.runtimes = runtimes
        byName = Dictionary(runtimes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// - Throws: NOT_FOUND naming the namespaces that exist.
    public func runtime(_ name: String) throws(RegistryError) -> NamespaceRuntime {
        let name = name.isEmpty ? "default" : name
        guard let runtime = byName[name] else {
            let known = runtimes.map(\.name).joined(separator: ", ")
            throw RegistryError(.notFound, "no namespace '\(name)' on this server; it serves: \(known)")
        }
        return runtime
    }
}
