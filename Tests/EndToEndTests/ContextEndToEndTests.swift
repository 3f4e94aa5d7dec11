import Foundation
import Testing

/// `prism context` and the contexts file, each test with a home of its own (`$XDG_CONFIG_HOME`).
@Suite("contexts: the file, prism context, and what wins over what (real processes)", .serialized)
struct ContextEndToEndTests {
    /// A fresh configuration directory; the environment the tools see has nothing of the test runner's.
    struct Home {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prism-home-\(UUID())")
        var file: URL { directory.appendingPathComponent("prism/config.yaml") }

        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            [
                "XDG_CONFIG_HOME": directory.path, "PRISM_CLIENT_CONFIG": "", "PRISM_CONTEXT": "", "PRISM_SERVER": "",
                "PRISM_NAMESPACE": "",
            ].merging(extra) { $1 }
        }

        func run(_ arguments: [String], tool: String = "prism", _ extra: [String: String] = [:]) async throws
            -> PrismProcess.Outcome
        {
            try await PrismProcess.run(arguments, executable: tool, environment: environment(extra))
        }

        func write(_ text: String) throws {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    /// A port on which nothing listens: a tool sent there fails fast with exit 3, naming it.
    static let nowhere = "127.0.0.1:1"

    @Test("set creates the file and the first context is current; every tool then goes where it says")
    func setAndUse() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let home = Home()
        let created = try await home.run(["context", "set", "lab", "--server", prismd.grpc, "--timeout", "1d"])
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardOutput.contains("created context lab"), "\(created.standardOutput)")
        #expect(FileManager.default.fileExists(atPath: home.file.path))
        #expect(try await home.run(["register", "c-1"]).status == 0)
        #expect(try await home.run(["get", "c-1"]).standardOutput.contains("c-1"))
        let top = try await home.run(["--once"], tool: "prism-top")
        #expect(top.status == 0, "\(top.standardError)")
        #expect(top.standardOutput.contains(prismd.grpc), "\(top.standardOutput)")

        #expect(try await home.run(["context", "set", "far", "--server", Self.nowhere]).status == 0)
        let list = try await home.run(["context", "list"])
        let rows = list.standardOutput.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.count == 3, "\(list.standardOutput)")
        #expect(rows.dropFirst().first == ["*", "lab", prismd.grpc, "-", "1d"], "\(list.standardOutput)")
        #expect(rows.last == ["far", Self.nowhere, "-", "-"], "\(list.standardOutput)")

        let typo = try await home.run(["context", "use", "fra"])
        #expect(typo.status == 2)
        #expect(typo.standardError.contains("no context 'fra'; did you mean 'far'?"), "\(typo.standardError)")
        #expect(try await home.run(["context", "use", "far"]).status == 0)
        let shown = try await home.run(["context", "show"])
        #expect(shown.standardOutput.contains("far (current)"), "\(shown.standardOutput)")
        let unreachable = try await home.run(["get", "c-1"])
        #expect(unreachable.status == 3)
        #expect(unreachable.standardError.contains("cannot reach prismd at \(Self.nowhere)"))
        #expect(try await home.run(["--context", "lab", "get", "c-1"]).status == 0)
        #expect(try await home.run(["get", "c-1"], ["PRISM_CONTEXT": "lab"]).status == 0)
    }

    @Test("flags win over $PRISM_SERVER and $PRISM_NAMESPACE, which win over the context")
    func precedence() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let home = Home()
        try home.write(
            """
            current-context: far
            contexts:
              far: {server: "\(Self.nowhere)", namespace: nope}
            """)
        #expect(try await home.run(["get", "x"]).standardError.contains("cannot reach prismd at \(Self.nowhere)"))
        // The context's namespace still applies when only the server is given elsewhere.
        let namespaced = try await home.run(["get", "x", "--server", prismd.grpc])
        #expect(namespaced.standardError.contains("nope"), "\(namespaced.standardError)")
        let environment = try await home.run(
            ["register", "x"], ["PRISM_SERVER": prismd.grpc, "PRISM_NAMESPACE": "default"])
        #expect(environment.status == 0, "\(environment.standardError)")
        let flags = try await home.run(
            ["get", "x", "-s", prismd.grpc, "-n", "default"], ["PRISM_SERVER": Self.nowhere, "PRISM_NAMESPACE": "nope"])
        #expect(flags.status == 0, "\(flags.standardError)")
    }

    @Test("use changes only the current-context line: comments and order stay")
    func useKeepsTheRest() async throws {
        let home = Home()
        let text = """
            # my clusters
            current-context: a
            contexts:
              a:
                server: 127.0.0.1:8980  # the laptop
              b:
                server: 10.0.0.5:8980
            """
        try home.write(text)
        #expect(try await home.run(["context", "use", "b"]).status == 0)
        let after = try String(contentsOf: home.file, encoding: .utf8)
        #expect(after == text.replacingOccurrences(of: "current-context: a", with: "current-context: b"))
    }

    @Test(
        "a malformed file is refused with its line, key and reason (exit 2), by prism and prism-top alike",
        arguments: [
            (
                "contexts:\n  lab:\n    server: 127.0.0.1:8980\n    sever: x\n",
                "config.yaml:4: contexts.lab.sever: unknown key 'sever'; did you mean 'server'?"
            ),
            (
                "contexts:\n  lab:\n    credentials: {token: abc}\n",
                "config.yaml:3: contexts.lab.credentials: credentials are not supported yet"
            ),
            ("contexts:\n  lab:\n    timeout: 30\n", "config.yaml:3: contexts.lab.timeout: invalid duration '30'"),
            ("contexts:\n  lab:\n    server: http://10.0.0.5:8980\n", "leave out 'http://'"),
            (
                "current-context: labb\ncontexts:\n  lab: {}\n",
                "config.yaml:1: current-context: no context 'labb'; did you mean 'lab'?"
            ),
            ("contexts:\n  lab: [\n", "config.yaml:3: not valid YAML"),
            (
                "current-contxt: lab\n",
                "config.yaml:1: current-contxt: unknown key 'current-contxt'; did you mean 'current-context'?"
            ),
        ])
    func malformed(text: String, expected: String) async throws {
        let home = Home()
        try home.write(text)
        for tool in ["prism", "prism-top"] {
            let outcome = try await home.run(tool == "prism" ? ["get", "x"] : ["--once"], tool: tool)
            #expect(outcome.status == 2, "\(tool): \(outcome.standardError)")
            #expect(outcome.standardError.contains(home.file.path), "\(tool): \(outcome.standardError)")
            #expect(outcome.standardError.contains(expected), "\(tool): \(outcome.standardError)")
        }
    }

    @Test("$PRISM_CLIENT_CONFIG names the file; --context names a context that must be there")
    func configOverride() async throws {
        let home = Home()
        let elsewhere = home.directory.appendingPathComponent("elsewhere.yaml").path
        let set = try await home.run(
            ["context", "set", "ci", "--server", Self.nowhere, "--namespace", "builds"],
            ["PRISM_CLIENT_CONFIG": elsewhere])
        #expect(set.status == 0, "\(set.standardError)")
        #expect(FileManager.default.fileExists(atPath: elsewhere))
        #expect(!FileManager.default.fileExists(atPath: home.file.path))
        let shown = try await home.run(["context", "show", "ci"], ["PRISM_CLIENT_CONFIG": elsewhere])
        #expect(shown.standardOutput.contains("builds"), "\(shown.standardOutput)")
        let missing = try await home.run(["--context", "cj", "get", "x"], ["PRISM_CLIENT_CONFIG": elsewhere])
        #expect(missing.status == 2)
        #expect(
            missing.standardError.contains("--context: no context 'cj'; did you mean 'ci'?"), "\(missing.standardError)"
        )
    }
}
