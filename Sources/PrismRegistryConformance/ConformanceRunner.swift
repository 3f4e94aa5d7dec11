import Testing

/// What both conformance suites do with a check's name: find it, run it on the subject, and close the
/// subject afterwards whether the check passed, threw or was not found.
enum ConformanceRunner {
    static func run<Subject>(
        _ name: String, among checks: [(name: String, run: @Sendable (Subject) async throws -> Void)],
        on subject: Subject, close: (Subject) async -> Void
    ) async throws {
        guard let check = checks.first(where: { $0.name == name }) else {
            Issue.record("no conformance check named '\(name)'")
            await close(subject)
            return
        }
        do {
            try await check.run(subject)
        } catch {
            await close(subject)
            throw error
        }
        await close(subject)
    }
}
