import Foundation
import Testing

/// A client generated from proto/ in another language (Python grpcio) against the real prismd.
/// `make test` creates the virtualenv and the stubs and names them in the environment.
@Suite("the API from Python (grpcio)")
struct PythonClientTests {
    @Test("a Python client registers, enumerates, multicasts with ack and reads /metrics")
    func pythonClient() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["PRISM_TEST_PYTHON"], let stubs = environment["PRISM_TEST_PYTHON_STUBS"] else {
            Issue.record(
                "PRISM_TEST_PYTHON / PRISM_TEST_PYTHON_STUBS are not set: run `make test`, which installs grpcio")
            return
        }
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "python/api_client.py")
        let outcome = try await PrismProcess.run(
            executableURL: URL(fileURLWithPath: python), arguments: [script.path, prismd.grpc, prismd.http],
            environment: ["PYTHONPATH": stubs])
        let text = outcome.standardOutput + outcome.standardError
        #expect(outcome.status == 0, "\(text)")
        #expect(text.contains("python client ok"))
        try await prismd.stop()
    }
}
