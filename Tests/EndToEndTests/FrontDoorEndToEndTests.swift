import Foundation
import PrismClient
import Synchronization
import Testing

/// prismd's gRPC port under the concurrency real clients bring: hundreds of calls in flight on one
/// connection, and clients whose calls hit their deadlines. Driven by tools no one here wrote
/// (h2load from nghttp2, Python grpcio), which `make test` installs.
@Suite("the gRPC front door under client concurrency")
struct FrontDoorEndToEndTests {
    @Test("a grpcio client with 1,000 calls in flight on one channel: every call succeeds")
    func thousandCallsOnOneChannel() async throws {
        let prismd = try await Prismd.start(config: Self.memoryConfig)
        defer { prismd.process.signal(SIGKILL) }
        let outcome = try await Self.python("concurrency_client.py", [prismd.grpc, "--calls", "1000"])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("concurrency ok 1000 calls"))
    }

    @Test("h2load with 500 streams per connection: all requests succeed, the limit is advertised")
    func h2loadManyStreams() async throws {
        let prismd = try await Prismd.start(config: Self.memoryConfig + "grpc: { max_concurrent_streams: 600 }\n")
        defer { prismd.process.signal(SIGKILL) }
        let registered = try await prismd.prism(["register", "bench-1", "--meta", "type=sensor"])
        #expect(registered.status == 0, "\(registered.standardError)")
        let frame = prismd.directory.appendingPathComponent("get.frame")
        try Data(Self.getFrame).write(to: frame)

        let settings = try await PrismProcess.run(
            executableURL: try Self.nghttp2Tool("nghttp"),
            arguments: ["-nv", "http://\(prismd.grpc)/prism.registry.v1.MulticastRegistry/Get"])
        #expect(
            settings.standardOutput.contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):600"),
            "prismd's SETTINGS frame does not advertise the configured limit:\n\(settings.standardOutput)")

        let load = try await Self.h2load(prismd, frame: frame, ["-n", "10000", "-c", "2", "-m", "500"])
        #expect(
            load.standardOutput.contains("10000 succeeded, 0 failed, 0 errored"),
            "\(load.standardOutput)\(load.standardError)")
    }

    @Test("a client cancelling 100 calls a second at their deadlines keeps its connection and its Watch")
    func deadlineResetsBesideWatch() async throws {
        let prismd = try await Prismd.start(config: Self.memoryConfig)
        defer { prismd.process.signal(SIGKILL) }
        let outcome = try await Self.python("deadline_client.py", [prismd.grpc, "--rate", "100", "--seconds", "12"])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("deadline ok"))
        // The client's resets reached prismd and were absorbed: well past swift-nio-http2's 200 in 30 s.
        let metrics = try await Self.python(
            "-c",
            [
                "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://\(prismd.http)/metrics').read().decode())"
            ])
        let absorbed = metrics.standardOutput.split(separator: "\n").first {
            $0.hasPrefix(#"prism_grpc_stream_resets_total{outcome="absorbed"}"#)
        }
        let count = absorbed.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(count > 400, "absorbed resets: \(absorbed.map(String.init) ?? "none")\n\(metrics.standardError)")
    }

    @Test(
        "PrismClient without a call deadline finds a hung server by keepalive instead of waiting for ever",
        .timeLimit(.minutes(1)))
    func keepaliveEndsCallsToAHungServer() async throws {
        let prismd = try await Prismd.start(config: Self.memoryConfig)
        defer { prismd.process.signal(SIGKILL) }
        let closing = Mutex<ContinuousClock.Instant?>(nil)
        try await PrismClient.with(server: prismd.grpc, keepalive: .seconds(1), keepaliveTimeout: .seconds(1)) {
            client in
            try await client.register("awake")
            // Stopped, prismd's kernel still accepts bytes: only the unanswered ping shows that it is gone.
            prismd.process.signal(SIGSTOP)
            let started = ContinuousClock.now
            do throws(PrismClientError) {
                _ = try await client.get("awake")
                Issue.record("a call to a stopped server answered")
            } catch {
                guard case .unreachable = error else {
                    Issue.record("expected unreachable, got \(error)")
                    return
                }
            }
            let waited = ContinuousClock.now - started
            #expect(waited < .seconds(10), "the call waited \(waited)")
            closing.withLock { $0 = .now }
        }
        prismd.process.signal(SIGCONT)
        // Closing does not wait for ever either, though grpc-swift is reconnecting to the stopped server.
        if let closing = closing.withLock({ $0 }) { #expect(ContinuousClock.now - closing < .seconds(10)) }
    }

    static let memoryConfig = """
        namespaces:
          - name: default
            slots:
              registry: { backend: memory }
              messaging: { backend: inproc }

        """

    /// A gRPC message frame (flag byte, 4-byte length) holding GetRequest { identity: "bench-1" }:
    /// field 2, length-delimited.
    static let getFrame: [UInt8] = [0, 0, 0, 0, 9, 0x12, 7] + Array("bench-1".utf8)

    static func h2load(_ prismd: Prismd, frame: URL, _ arguments: [String]) async throws -> PrismProcess.Outcome {
        try await PrismProcess.run(
            executableURL: try nghttp2Tool("h2load"),
            arguments: arguments + [
                "-t", "1", "-d", frame.path, "-H", "content-type: application/grpc", "-H", "te: trailers",
                "http://\(prismd.grpc)/prism.registry.v1.MulticastRegistry/Get",
            ])
    }

    /// h2load or nghttp, from Debian's nghttp2-client.
    static func nghttp2Tool(_ name: String) throws -> URL {
        let tool = URL(fileURLWithPath: "/usr/bin/\(name)")
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw SetupError("\(name) is missing: `make test` installs Debian's nghttp2-client")
        }
        return tool
    }

    /// Runs a script from python/ (or `python -c CODE` when `script` is "-c") with the test virtualenv.
    static func python(_ script: String, _ arguments: [String]) async throws -> PrismProcess.Outcome {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["PRISM_TEST_PYTHON"], let stubs = environment["PRISM_TEST_PYTHON_STUBS"] else {
            throw SetupError("PRISM_TEST_PYTHON / PRISM_TEST_PYTHON_STUBS are not set: run `make test`")
        }
        let path =
            script == "-c"
            ? "-c"
            : URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/\(script)")
                .path
        return try await PrismProcess.run(
            executableURL: URL(fileURLWithPath: python), arguments: [path] + arguments,
            environment: ["PYTHONPATH": stubs])
    }

    struct SetupError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
