extension PrismClient {
    /// The same connection, calling into another namespace: what prism-top uses to follow a namespace
    /// without reconnecting. The returned client runs and closes with this one; do not ``run()`` or
    /// ``close()`` it on its own.
    ///
    /// ```
    /// let lab = client.inNamespace("lab")
    /// let stats = try await lab.stats()
    /// ```
    public func inNamespace(_ namespace: String) -> PrismClient {
        PrismClient(sharing: self, namespace: namespace)
    }
}
