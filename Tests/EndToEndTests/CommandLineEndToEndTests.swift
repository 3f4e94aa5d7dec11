import Foundation
import PrismClient
import Testing

/// The command-line tools as scripts use them: in pipes, against servers that are not there.
@Suite("prism, prism-top and prism-iot-sim in scripts (real processes)", .serialized)
struct CommandLineEndToEndTests {
    @Test(
        "a reader that goes away ends prism and prism-top quietly, by SIGPIPE as it ends cat",
        arguments: [
            // watch writes only on an event: the script registers two after head has gone.
            #""$BIN/prism" watch --server "$SERVER" | head -n 1"#,
            #""$BIN/prism" enumerate --limit 1000 --json --server "$SERVER" | true"#,
            #""$BIN/prism-top" --once --output json --server "$SERVER" | true"#,
        ])
    func brokenPipe(pipeline: String) async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        try await PrismClient.with(server: prismd.grpc) { client in
            for index in 0..<300 {
                try await client.register(
                    "device-\(index)", metadata: ["note": .string(String(repeating: "x", count: 200))])
            }
        }
        let outcome = try await Self.bash(
            """
            (sleep 1; "$BIN/prism" register after-1 --server "$SERVER"; sleep 1
             "$BIN/prism" register after-2 --server "$SERVER") > /dev/null &
            \(pipeline) > /dev/null
            echo "status=${PIPESTATUS[0]}"
            wait
            """, server: prismd.grpc)
        #expect(outcome.standardOutput == "status=141\n", "\(outcome.standardError)")
        // Nothing but what the tool says on a good day (watch names its namespace).
        let said = outcome.standardError.split(separator: "\n").filter { $0 != "watching namespace default" }
        #expect(said.isEmpty, "\(outcome.standardError)")
    }

    @Test("a reader of its status lines that goes away stops the simulator cleanly: every device unregisters")
    func simulatorBrokenPipe() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let outcome = try await Self.bash(
            #""$BIN/prism-iot-sim" --devices 5 --namespace default --status-every 1s --server "$SERVER" | true; "#
                + #"echo "status=${PIPESTATUS[0]}""#, server: prismd.grpc)
        #expect(outcome.standardOutput == "status=0\n", "\(outcome.standardError)")
        #expect(outcome.standardError.contains("standard output was closed; unregistering 5 devices"))
        #expect(outcome.standardError.contains("unregistered 5 of 5 devices"))
        #expect(try await prismd.prism(["enumerate"]).standardOutput.hasSuffix("0 of 0 identities\n"))
    }

    @Test("a server that does not resolve, or accepts connections and never answers, is exit 3 within --timeout")
    func unansweredServer() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        for server in ["nosuchhost.invalid:27999", "127.0.0.1:\(silent.port)"] {
            for arguments in [["get", "x"], ["enumerate"], ["watch"], ["subscribe", "x"]] {
                let started = ContinuousClock.now
                let outcome = try await PrismProcess.run(arguments + ["--server", server, "--timeout", "2s"])
                let took = ContinuousClock.now - started
                #expect(outcome.status == 3, "\(arguments) \(server): \(outcome.standardError)")
                #expect(outcome.standardError.hasPrefix("prism: cannot reach prismd at \(server)"))
                #expect(took < .seconds(8), "\(arguments) \(server) took \(took)")
            }
        }
    }

    @Test("--meta keeps k=v as text unless it reads back as the same JSON; k:=json is JSON")
    func metadataTyping() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let register = try await prismd.prism([
            "register", "fw", "--meta", "firmware=2.0", "--meta", "ver=1.10", "--meta", "serial=1e3", "--meta",
            "zip=007", "--meta", "floor=1", "--meta", "battery=0.8", "--meta", "online=true", "--meta", "n:=2.0",
            "--meta", "tags:=[\"a\"]", "--meta", "quoted:=\"1\"",
        ])
        #expect(register.status == 0, "\(register.standardError)")
        for filter in [
            #"firmware < v"2.1""#, #"firmware == "2.0""#, #"ver == "1.10""#, #"serial == "1e3""#, #"zip == "007""#,
            "floor == 1", "battery == 0.8", "online == true", "n == 2", #"tags contains "a""#, #"quoted == "1""#,
        ] {
            let found = try await prismd.prism(["enumerate", "--filter", filter])
            #expect(found.standardOutput.hasSuffix("1 of 1 identities\n"), "\(filter): \(found.standardOutput)")
        }
        let bad = try await prismd.prism(["register", "x", "--meta", "n:=2.0.1"])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("the value after := is not JSON"), "\(bad.standardError)")
    }

    @Test("--sort: a path that is not one is refused (exit 2); one no identity has is allowed, with a warning")
    func sortField() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        for (name, battery) in [("b", "0.2"), ("a", "0.9")] {
            #expect(try await prismd.prism(["register", name, "--meta", "battery=\(battery)"]).status == 0)
        }
        let sorted = try await prismd.prism(["enumerate", "--sort", "battery"])
        #expect(sorted.standardOutput.hasPrefix("IDENTITY"))
        #expect(sorted.standardOutput.split(separator: "\n").dropFirst().first?.hasPrefix("b ") == true)
        #expect(sorted.standardError.isEmpty)
        let typo = try await prismd.prism(["enumerate", "--sort", "batery"])
        #expect(typo.status == 0)
        #expect(typo.standardError.contains("no identity listed has 'batery'"), "\(typo.standardError)")
        #expect(typo.standardError.contains("did you mean 'battery'?"), "\(typo.standardError)")
        let invalid = try await prismd.prism(["enumerate", "--sort", "a b"])
        #expect(invalid.status == 2)
        #expect(invalid.standardError.contains("invalid sort field 'a b'"), "\(invalid.standardError)")
    }

    /// Runs a bash script with `$BIN` (the built tools) and `$SERVER` set, and `pipefail` on.
    static func bash(_ script: String, server: String) async throws -> PrismProcess.Outcome {
        try await PrismProcess.run(
            executableURL: URL(fileURLWithPath: "/bin/bash"),
            arguments: ["-c", "set -o pipefail\n" + script],
            environment: ["BIN": PrismProcess.productsDirectory.path, "SERVER": server])
    }
}

/// A TCP port that completes handshakes (the kernel does, from the backlog) and never answers.
final class SilentListener: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 64) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
