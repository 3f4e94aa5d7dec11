import Foundation
import PrismClient
import Testing

/// TLS and mutual TLS on the gRPC port, with certificates openssl makes for each test and grpcio as the client.
@Suite("TLS on the gRPC port")
struct TLSEndToEndTests {
    /// A directory of fresh certificates (see make-test-certificates.sh).
    struct Certificates {
        let directory: URL
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        static func make(serverName: String = "first") async throws -> Certificates {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prism-tls-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let certificates = Certificates(directory: directory)
            try await certificates.renew(serverName: serverName)
            return certificates
        }

        /// A new server certificate from the same CA.
        func renew(serverName: String) async throws {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("make-test-certificates.sh")
            let outcome = try await PrismProcess.run(
                executableURL: URL(fileURLWithPath: "/bin/sh"), arguments: [script.path, directory.path, serverName])
            guard outcome.status == 0 else {
                throw FrontDoorEndToEndTests.SetupError("openssl failed: \(outcome.standardError)")
            }
        }

        func config(mutual: Bool = false) -> String {
            """
            tls:
              cert: \(path("server.pem"))
              key: \(path("server-key.pem"))
            \(mutual ? "  client_ca: \(path("ca.pem"))\n" : "")\(FrontDoorEndToEndTests.memoryConfig)
            """
        }
    }

    static func client(_ arguments: [String]) async throws -> String {
        let outcome = try await FrontDoorEndToEndTests.python("tls_client.py", arguments)
        return outcome.standardOutput + outcome.standardError
    }

    /// The seconds a `call` took, from its output.
    static func seconds(_ output: String) -> Double {
        output.split(separator: "\n").first { $0.hasPrefix("seconds ") }.flatMap { Double($0.dropFirst(8)) }
            ?? .infinity
    }

    @Test("TLS: a client trusting the CA calls; a plaintext client is told, within a second, that the port speaks TLS")
    func tls() async throws {
        let certificates = try await Certificates.make()
        let prismd = try await Prismd.start(config: certificates.config())
        defer { prismd.process.signal(SIGKILL) }
        let trusted = try await Self.client(["call", prismd.grpc, certificates.path("ca.pem")])
        #expect(trusted.hasPrefix("ok 1"), "\(trusted)")

        let plaintext = try await Self.client(["call", prismd.grpc])
        #expect(
            plaintext.hasPrefix("error UNAVAILABLE: prismd's gRPC port speaks TLS; connect with TLS"), "\(plaintext)")
        #expect(Self.seconds(plaintext) < 1, "\(plaintext)")

        let prism = try await prismd.prism(["ls"])
        #expect(prism.status == 3)
        #expect(prism.standardError.contains("speaks TLS"), "\(prism.standardError)")

        let untrusted = try await Self.client(["call", prismd.grpc, certificates.path("rogue.pem")])
        #expect(untrusted.hasPrefix("error UNAVAILABLE"), "a client that does not trust the server's CA: \(untrusted)")
        #expect(Self.seconds(untrusted) < 2, "\(untrusted)")
    }

    @Test("mutual TLS: a certificate from client_ca calls; none, or one the CA never signed, cannot connect")
    func mutualTLS() async throws {
        let certificates = try await Certificates.make()
        let prismd = try await Prismd.start(config: certificates.config(mutual: true))
        defer { prismd.process.signal(SIGKILL) }
        let ca = certificates.path("ca.pem")
        let signed = try await Self.client(
            ["call", prismd.grpc, ca, certificates.path("client.pem"), certificates.path("client-key.pem")])
        #expect(signed.hasPrefix("ok 1"), "\(signed)")
        let none = try await Self.client(["call", prismd.grpc, ca])
        #expect(none.hasPrefix("error UNAVAILABLE"), "\(none)")
        #expect(Self.seconds(none) < 2, "\(none)")
        let rogue = try await Self.client(
            ["call", prismd.grpc, ca, certificates.path("rogue.pem"), certificates.path("rogue-key.pem")])
        #expect(rogue.hasPrefix("error UNAVAILABLE"), "\(rogue)")
    }

    @Test("a TLS client on the plaintext port fails within a second, and prismd logs why")
    func tlsClientOnPlaintextPort() async throws {
        let certificates = try await Certificates.make()
        let prismd = try await Prismd.start(
            config: FrontDoorEndToEndTests.memoryConfig, extraArguments: ["--log-level", "notice"])
        defer { prismd.process.signal(SIGKILL) }
        let output = try await Self.client(["call", prismd.grpc, certificates.path("ca.pem")])
        #expect(output.hasPrefix("error UNAVAILABLE"), "\(output)")
        #expect(Self.seconds(output) < 1, "\(output)")
        try await prismd.process.waitFor("a TLS client connected to the plaintext port", inStandardError: true)
    }

    @Test("SIGHUP reloads the certificate without dropping open streams; a broken file keeps the one in use")
    func reloadOnSIGHUP() async throws {
        let certificates = try await Certificates.make(serverName: "first")
        let prismd = try await Prismd.start(config: certificates.config(), extraArguments: ["--log-level", "notice"])
        defer { prismd.process.signal(SIGKILL) }
        let ca = certificates.path("ca.pem")
        #expect(try await Self.client(["peer-cn", prismd.grpc, ca]).hasPrefix("cn first"))

        guard let python = ProcessInfo.processInfo.environment["PRISM_TEST_PYTHON"],
            let stubs = ProcessInfo.processInfo.environment["PRISM_TEST_PYTHON_STUBS"]
        else { throw FrontDoorEndToEndTests.SetupError("PRISM_TEST_PYTHON is not set: run `make test`") }
        let flag = certificates.path("reloaded")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "python/tls_client.py")
        let watcher = try BackgroundProcess(
            python, [script.path, "watch-survives", prismd.grpc, ca, flag], environment: ["PYTHONPATH": stubs])
        try await watcher.waitFor("watching")

        try await certificates.renew(serverName: "second")
        prismd.process.signal(SIGHUP)
        try await prismd.process.waitFor("TLS certificate reloaded", inStandardError: true)
        #expect(try await Self.client(["peer-cn", prismd.grpc, ca]).hasPrefix("cn second"))
        #expect(FileManager.default.createFile(atPath: flag, contents: nil))
        try await watcher.waitFor("watch survived")

        try "not a certificate".write(toFile: certificates.path("server.pem"), atomically: true, encoding: .utf8)
        prismd.process.signal(SIGHUP)
        try await prismd.process.waitFor("TLS reload failed", inStandardError: true)
        #expect(try await Self.client(["peer-cn", prismd.grpc, ca]).hasPrefix("cn second"))
        #expect(try await Self.client(["call", prismd.grpc, ca]).hasPrefix("ok 1"))
    }

    @Test("PrismClient: TLS and mutual TLS with files; what it says against a plaintext port or an untrusted server")
    func prismClient() async throws {
        let certificates = try await Certificates.make()
        let prismd = try await Prismd.start(config: certificates.config(mutual: true))
        defer { prismd.process.signal(SIGKILL) }
        let mutual = ClientTLS(
            caFile: certificates.path("ca.pem"), certificateFile: certificates.path("client.pem"),
            keyFile: certificates.path("client-key.pem"))
        let patterns = try await PrismClient.with(server: prismd.grpc, callTimeout: .seconds(5), tls: mutual) {
            try await $0.listPatterns()
        }
        #expect(patterns.count == 1)

        let untrusted = ClientTLS(caFile: certificates.path("rogue.pem"))
        let refused = await Self.failure(server: prismd.grpc, tls: untrusted)
        #expect(refused.contains("prismd's certificate is not trusted"), "\(refused)")
        let ca = certificates.path("ca.pem")
        let noCertificate = await Self.failure(server: prismd.grpc, tls: ClientTLS(caFile: ca))
        #expect(noCertificate.contains("prismd asks for a client certificate (mutual TLS)"), "\(noCertificate)")
        let rogue = ClientTLS(
            caFile: ca, certificateFile: certificates.path("rogue.pem"), keyFile: certificates.path("rogue-key.pem"))
        let refusedCertificate = await Self.failure(server: prismd.grpc, tls: rogue)
        #expect(refusedCertificate.contains("its client CA did not sign it"), "\(refusedCertificate)")
        let plaintext = try await Prismd.start(config: FrontDoorEndToEndTests.memoryConfig)
        defer { plaintext.process.signal(SIGKILL) }
        let mismatch = await Self.failure(server: plaintext.grpc, tls: ClientTLS(caFile: certificates.path("ca.pem")))
        #expect(mismatch.contains("prismd did not answer in TLS"), "\(mismatch)")
        let noKey = await Self.failure(
            server: plaintext.grpc, tls: ClientTLS(certificateFile: certificates.path("client.pem")))
        #expect(noKey.contains("needs both a client certificate and its key"), "\(noKey)")
        let noFile = await Self.failure(server: plaintext.grpc, tls: ClientTLS(caFile: "/nonexistent/ca.pem"))
        #expect(noFile.contains("cannot read the TLS CA /nonexistent/ca.pem: there is no such file"), "\(noFile)")
    }

    private static func failure(server: String, tls: ClientTLS) async -> String {
        do {
            _ = try await PrismClient.with(server: server, callTimeout: .seconds(5), tls: tls) {
                try await $0.listPatterns()
            }
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("the tools over TLS: --tls-ca, $PRISM_TLS_CA or the context's tls_ca; mutual TLS; prism-top; the simulator")
    func tools() async throws {
        let certificates = try await Certificates.make()
        let prismd = try await Prismd.start(config: certificates.config(mutual: true))
        defer { prismd.process.signal(SIGKILL) }
        let ca = certificates.path("ca.pem")
        let client = ["--tls-cert", certificates.path("client.pem"), "--tls-key", certificates.path("client-key.pem")]

        let flags = try await prismd.prism(["register", "tls-1", "--tls-ca", ca] + client)
        #expect(flags.status == 0, "\(flags.standardError)")
        let before = try await PrismProcess.run(["--server", prismd.grpc, "--tls-ca", ca] + client + ["get", "tls-1"])
        #expect(before.status == 0, "global options before the subcommand: \(before.standardError)")
        let environment = try await PrismProcess.run(
            ["get", "tls-1", "--server", prismd.grpc] + client, environment: ["PRISM_TLS_CA": ca])
        #expect(environment.status == 0, "\(environment.standardError)")

        let contexts = certificates.path("contexts.yaml")
        let set = try await PrismProcess.run(
            ["context", "set", "secure", "--server", prismd.grpc, "--tls-ca", ca] + client,
            environment: ["PRISM_CLIENT_CONFIG": contexts])
        #expect(set.status == 0, "\(set.standardError)")
        let viaContext = try await PrismProcess.run(["get", "tls-1"], environment: ["PRISM_CLIENT_CONFIG": contexts])
        #expect(viaContext.status == 0, "\(viaContext.standardError)")

        let withoutCertificate = try await prismd.prism(["get", "tls-1", "--tls-ca", ca])
        #expect(withoutCertificate.status == 3)
        #expect(
            withoutCertificate.standardError.contains("asks for a client certificate"),
            "\(withoutCertificate.standardError)")

        let top = try await PrismProcess.run(
            ["--once", "--output", "json", "--server", prismd.grpc, "--tls-ca", ca] + client, executable: "prism-top")
        #expect(top.status == 0, "\(top.standardError)")
        #expect(top.standardOutput.contains("tls-1"), "\(top.standardOutput)")

        let simulator = try BackgroundProcess(
            "prism-iot-sim",
            [
                "--devices", "20", "--namespace", "default", "--server", prismd.grpc, "--tls-ca", ca, "--status-every",
                "250ms",
            ] + client)
        try await simulator.waitFor("registered=20 ")
        simulator.signal(SIGINT)
        #expect(try await simulator.waitForExit() == 0)
    }

    @Test("start-up refuses a missing file or a key that is not the certificate's, naming the file")
    func startupErrors() async throws {
        let certificates = try await Certificates.make()
        let missing = certificates.config().replacingOccurrences(of: "server-key.pem", with: "nosuch.pem")
        let outcome = try await Self.startFails(config: missing)
        #expect(
            outcome.contains("cannot read TLS private key \(certificates.path("nosuch.pem")): there is no such file"))

        let mismatched = certificates.config().replacingOccurrences(of: "server-key.pem", with: "client-key.pem")
        let mismatch = try await Self.startFails(config: mismatched)
        #expect(mismatch.contains("do not go together"), "\(mismatch)")
    }

    private static func startFails(config: String) async throws -> String {
        do {
            let prismd = try await Prismd.start(config: config)
            prismd.process.signal(SIGKILL)
            Issue.record("prismd started")
            return ""
        } catch {
            return "\(error)"
        }
    }
}
