import Foundation
import PrismClient
import Testing
import Yams

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

    @Test("-o json and -o jsonl print the shape docs/tool-json.schema.json describes, for every command")
    func jsonShape() async throws {
        guard let python = ProcessInfo.processInfo.environment["PRISM_TEST_PYTHON"] else {
            Issue.record("PRISM_TEST_PYTHON is not set: run `make test`, which installs jsonschema")
            return
        }
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        // 2,500 identities: --all follows three pages of 1,000.
        try await PrismClient.with(server: prismd.grpc) { client in
            for index in 0..<2500 {
                try await client.register(
                    "dev-\(index)", metadata: ["floor": .int(Int64(index % 4)), "battery": 0.5, "tags": ["a"]],
                    ttl: index.isMultiple(of: 2) ? .seconds(600) : nil)
            }
        }
        let repository = SimulatorEndToEndTests.repository
        let checker = repository.appendingPathComponent("Tests/EndToEndTests/python/check_tool_json.py").path
        let schema = repository.appendingPathComponent("docs/tool-json.schema.json").path
        let commands: [(String, String)] = [
            (#"register extra --meta type=probe -o json"#, "registration"),
            (#"register extra --meta type=probe --replace --json"#, "registration"),
            (#"get dev-1 -o json"#, "identity"), (#"heartbeat dev-2 --meta battery=0.4 -o json"#, "identity"),
            (#"enumerate --all -o json"#, "enumeration"), (#"enumerate --all -o jsonl"#, "identity"),
            (#"enumerate --limit 3 -o json --filter 'floor == 9'"#, "enumeration"),
            (#"multicast --all --payload ping -o json"#, "multicast"),
            (#"multicast --filter 'floor == 1' --payload ping --ack --ack-timeout 200ms -o json"#, "multicast"),
            (#"patterns -o json"#, "patterns"), (#"patterns -o jsonl"#, "pattern"),
            (#"watch --from-revision 2490 --count 5 -o jsonl"#, "event"), (#"unregister extra -o json"#, "removal"),
        ]
        for (command, definition) in commands {
            let outcome = try await Self.bash(
                #""$BIN/prism" "# + command + #" --server "$SERVER" | "$PY" "$CHECK" "$SCHEMA" "# + definition,
                server: prismd.grpc, extra: ["PY": python, "CHECK": checker, "SCHEMA": schema])
            #expect(
                outcome.standardOutput.hasPrefix("ok "), "\(command): \(outcome.standardOutput)\(outcome.standardError)"
            )
        }
        // --all is one document with every identity, and nothing left to follow.
        let all = try await prismd.prism(["enumerate", "--all", "-o", "json"])
        let document = try #require(JSONSerialization.jsonObject(with: Data(all.standardOutput.utf8)) as? [String: Any])
        #expect((document["identities"] as? [Any])?.count == 2500)
        #expect(document["total_count"] as? Int == 2500)
        #expect(document["next_cursor"] as? String == "")
        #expect(
            try await prismd.prism(["enumerate", "--all", "-o", "jsonl"]).standardOutput.split(separator: "\n").count
                == 2500)
        // Paging by hand: --cursor goes on where --limit stopped.
        let first = try await prismd.prism(["enumerate", "--limit", "2"])
        let footer = try #require(first.standardOutput.range(of: "--cursor "))
        let cursor = String(first.standardOutput[footer.upperBound...].prefix { !$0.isWhitespace })
        #expect(first.standardOutput.contains("2 of 2500 identities; more with --cursor"))
        let next = try await prismd.prism(["enumerate", "--limit", "2", "--cursor", cursor])
        #expect(next.standardOutput.contains("dev-10"), "\(first.standardOutput)\(next.standardOutput)")
        // A message: payloads as text when they are UTF-8.
        let subscribed = try await Self.bash(
            #"""
            "$BIN/prism" subscribe dev-3 --count 1 -o json --server "$SERVER" > "$OUT" 2>/dev/null &
            sleep 1
            "$BIN/prism" multicast --filter '@id == "dev-3"' --payload '{"command":"read"}' --server "$SERVER" > /dev/null
            wait
            "$PY" "$CHECK" "$SCHEMA" message < "$OUT"
            cat "$OUT"
            """#, server: prismd.grpc,
            extra: [
                "PY": python, "CHECK": checker, "SCHEMA": schema, "OUT": NSTemporaryDirectory() + "prism-message.json",
            ])
        #expect(subscribed.standardOutput.hasPrefix("ok 1"), "\(subscribed.standardOutput)\(subscribed.standardError)")
        #expect(subscribed.standardOutput.contains(#""payload":"{\"command\":\"read\"}","payload_encoding":"utf-8""#))
    }

    @Test("global options go before the subcommand as well as after, in short forms too")
    func globalOptions() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let server = prismd.grpc
        #expect(try await PrismProcess.run(["-s", server, "register", "g-1", "--meta", "floor=1"]).status == 0)
        let got = try await PrismProcess.run(["--server=\(server)", "-n", "default", "-o", "json", "get", "g-1"])
        #expect(got.status == 0, "\(got.standardError)")
        #expect(got.standardOutput.hasPrefix(#"{"expires_at":"#), "\(got.standardOutput)")
        let listed = try await PrismProcess.run(["--json", "--server", server, "enumerate", "--filter", "floor == 1"])
        #expect(listed.standardOutput.contains(#""total_count":1"#), "\(listed.standardOutput)\(listed.standardError)")
        let unknown = try await PrismProcess.run(["--no-such-option", "enumerate"])
        #expect(unknown.status == 2)
    }

    @Test("usage mistakes get an answer that says what to do")
    func usageMistakes() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let server = prismd.grpc
        func prism(_ arguments: [String]) async throws -> PrismProcess.Outcome {
            try await PrismProcess.run(arguments + ["--server", server])
        }
        let typo = try await prism(["enumrate"])
        #expect(typo.status == 2)
        #expect(typo.standardError.contains("unknown command 'enumrate'; did you mean 'enumerate'?"))
        #expect(try await prism(["register", "r-1"]).status == 0)
        #expect(try await prism(["ls"]).standardOutput.hasSuffix("1 of 1 identities\n"))
        let again = try await prism(["register", "r-1"])
        #expect(again.status == 1)
        #expect(again.standardError.contains("add --replace to overwrite it"), "\(again.standardError)")
        #expect(try await prism(["rm", "r-1"]).standardOutput == "unregistered r-1\n")
        let negative = try await prism(["register", "r-2", "--ttl", "-5s"])
        #expect(negative.status == 2)
        #expect(negative.standardError.contains("a duration cannot be negative"), "\(negative.standardError)")
        let fraction = try await prism(["register", "r-2", "--ttl", "1.5m"])
        #expect(fraction.standardError.contains("1m30s, not 1.5m"), "\(fraction.standardError)")
        let scheme = try await PrismProcess.run(["get", "r-1", "--server", "http://\(server)"])
        #expect(scheme.status == 2)
        #expect(scheme.standardError.contains("leave out 'http://'"), "\(scheme.standardError)")
        let noNamespace = try await prism(["patterns", "-n", "nope"])
        #expect(noNamespace.status == 1)
        #expect(
            try await prism(["patterns", "-n", "default", "-o", "jsonl"]).standardOutput.split(separator: "\n").count
                == 1)
        let top = try await PrismProcess.run(
            ["--once", "--namespace", "nope", "--server", server], executable: "prism-top")
        #expect(top.status == 1)
        #expect(top.standardError == "prism-top: NOT_FOUND: no namespace 'nope' on this server; it serves: default\n")
        let topDelay = try await PrismProcess.run(["--once", "-d", "2s", "--server", server], executable: "prism-top")
        #expect(topDelay.status == 0, "\(topDelay.standardError)")
    }

    @Test("multicast reports at scale: grouped failures, the id, a dry run's sample, the payload from stdin")
    func multicastReports() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        try await PrismClient.with(server: prismd.grpc) { client in
            for index in 0..<15 { try await client.register("g-\(index)", metadata: ["type": "gateway"]) }
        }
        let failed = try await prismd.prism(["multicast", "--filter", #"type == "gateway""#, "--payload", "x"])
        #expect(failed.status == 1)
        let lines = failed.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains(" id=") == true, "\(failed.standardOutput)")
        #expect(lines.count == 3, "a header and one group: \(failed.standardOutput)")
        #expect(lines.last?.hasPrefix("FAILED  15 ×   no subscriber  g-0, g-1,") == true, "\(failed.standardOutput)")
        #expect(lines.last?.hasSuffix("… (5 more)") == true, "\(failed.standardOutput)")
        let dry = try await prismd.prism(["multicast", "--all", "--payload", "x", "--dry-run"])
        #expect(dry.standardOutput.contains("e.g. g-0, g-1"), "\(dry.standardOutput)")
        let refused = try await prismd.prism(["multicast", "--all", "--payload", "x", "--max-targets", "3"])
        #expect(refused.status == 1)
        #expect(
            refused.standardError.contains("selects 15 identities, more than max_targets (3)"),
            "\(refused.standardError)")
        let piped = try await Self.bash(
            #"""
            "$BIN/prism" subscribe g-0 --count 1 -o json --server "$SERVER" 2>/dev/null &
            sleep 1
            echo '{"command":"read"}' | "$BIN/prism" multicast --filter '@id == "g-0"' --payload - --server "$SERVER" > /dev/null
            wait
            """#, server: prismd.grpc)
        #expect(piped.standardOutput.contains(#""content_type":"application/json""#), "\(piped.standardOutput)")
        #expect(piped.standardOutput.contains(#""payload":"{\"command\":\"read\"}\n""#), "\(piped.standardOutput)")
    }

    @Test("-o wide shows --columns and the --sort field as columns, strings bare; multicast's lists the delivered")
    func wideOutput() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        #expect(
            try await prismd.prism([
                "register", "w-1", "--meta", "battery=0.8", "--meta", "location.floor=2", "--meta", "type=sensor",
                "--meta", "label=007",
            ]).status == 0)
        #expect(
            try await prismd.prism(["register", "w-2", "--meta", "battery=0.2", "--meta", "type=valve"]).status == 0)
        let wide = try await prismd.prism([
            "enumerate", "-o", "wide", "--columns", "battery,location.floor", "--columns", "label", "--sort", "type",
        ])
        #expect(wide.status == 0, "\(wide.standardError)")
        let rows = wide.standardOutput.split(separator: "\n").map(Self.cells)
        #expect(rows.first == ["IDENTITY", "EXPIRES", "BATTERY", "LOCATION.FLOOR", "LABEL", "TYPE", "METADATA"])
        #expect(
            rows.dropFirst().first?.dropFirst(2).prefix(4) == ["0.8", "2", "007", "sensor"], "\(wide.standardOutput)")
        #expect(
            rows.dropFirst(2).first?.dropFirst(2).prefix(4) == ["0.2", "-", "-", "valve"], "\(wide.standardOutput)")
        let got = try await prismd.prism(["get", "w-1", "-o", "wide", "--columns", "label"])
        #expect(got.standardOutput.split(separator: "\n").map(Self.cells).last?.dropFirst(2).first == "007")
        let notWide = try await prismd.prism(["enumerate", "--columns", "battery"])
        #expect(notWide.status == 2)
        #expect(notWide.standardError.contains("--columns needs -o wide"), "\(notWide.standardError)")
        let badPath = try await prismd.prism(["enumerate", "-o", "wide", "--columns", "a b"])
        #expect(badPath.status == 2)
        #expect(badPath.standardError.contains("invalid column 'a b'"), "\(badPath.standardError)")
        let multicast = try await Self.bash(
            #"""
            "$BIN/prism" subscribe w-1 --ack --reply pong --count 1 --server "$SERVER" > /dev/null 2>&1 &
            sleep 1
            "$BIN/prism" multicast --filter 'type == "sensor"' --payload ping --ack -o wide --server "$SERVER"
            wait
            """#, server: prismd.grpc)
        let delivered = multicast.standardOutput.split(separator: "\n").map(Self.cells)
        #expect(delivered.contains(["DELIVERED", "REPLY"]), "\(multicast.standardOutput)\(multicast.standardError)")
        #expect(delivered.contains(["w-1", "pong"]), "\(multicast.standardOutput)")
    }

    @Test("-o yaml is -o json's document in YAML, for single documents and streams alike")
    func yamlOutput() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        for (name, label) in [("y-1", "007"), ("y-2", "true"), ("y-3", "2026-12-02")] {
            #expect(
                try await prismd.prism(["register", name, "--meta", "label:=\"\(label)\"", "--meta", "n=1.5"]).status
                    == 0)
        }
        for command in [
            ["enumerate", "--all"], ["get", "y-1"], ["patterns"], ["multicast", "--all", "--payload", "x"],
        ] {
            let json = try await prismd.prism(command + ["-o", "json"])
            let yaml = try await prismd.prism(command + ["-o", "yaml"])
            #expect(yaml.standardError.isEmpty, "\(command): \(yaml.standardError)")
            let fromYAML = try #require(try Yams.load(yaml: yaml.standardOutput), "\(command)")
            let fromJSON = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8))
            #expect(
                try Self.canonical(Self.withoutRunDetails(fromYAML))
                    == Self.canonical(Self.withoutRunDetails(fromJSON)),
                "\(command): \(yaml.standardOutput)")
        }
        let watched = try await prismd.prism(["watch", "--from-revision", "1", "--count", "2", "-o", "yaml"])
        let documents = try Yams.load_all(yaml: watched.standardOutput).map { $0 }
        #expect(documents.count == 2, "\(watched.standardOutput)")
    }

    @Test("durations are echoed as written: a 1d TTL over a 1h maximum says 1d and 1h, not seconds")
    func durationsAsWritten() async throws {
        let prismd = try await Prismd.start(
            config: FrontDoorEndToEndTests.memoryConfig.replacingOccurrences(
                of: "  - name: default\n", with: "  - name: default\n    max_ttl: 1h\n"))
        defer { prismd.process.signal(SIGKILL) }
        let refused = try await prismd.prism(["register", "d-1", "--ttl", "1d"])
        #expect(refused.status == 2)
        #expect(
            refused.standardError.contains("ttl 1d is above namespace 'default''s maximum of 1h"),
            "\(refused.standardError)")
        // A subscriber that never acknowledges: the report's TIMEOUT group says how long it waited.
        let report = try await Self.bash(
            #"""
            "$BIN/prism" register d-2 --server "$SERVER" > /dev/null
            "$BIN/prism" subscribe d-2 --count 1 --server "$SERVER" > /dev/null 2>&1 &
            sleep 1
            "$BIN/prism" multicast --all --payload x --ack --ack-timeout 1500ms --server "$SERVER"
            wait
            """#, server: prismd.grpc)
        #expect(report.standardOutput.contains("no ack within 1500ms"), "\(report.standardOutput)")
    }

    /// A table row's cells: the columns are two spaces or more apart, and no cell holds two spaces.
    static func cells(_ line: Substring) -> [String] {
        line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// JSON text with sorted keys, so that two documents compare by content.
    static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The document without what differs between two runs of the same command: a multicast's id and latency.
    static func withoutRunDetails(_ object: Any) -> Any {
        if let dictionary = object as? [String: Any] {
            return dictionary.filter { $0.key != "latency_ms" && $0.key != "multicast_id" }.mapValues(withoutRunDetails)
        }
        if let array = object as? [Any] { return array.map(withoutRunDetails) }
        return object
    }

    @Test("--version names the release and the git commit, in every tool")
    func version() async throws {
        for tool in ["prism", "prismd", "prism-top", "prism-iot-sim"] {
            let outcome = try await PrismProcess.run(["--version"], executable: tool)
            #expect(outcome.status == 0, "\(tool): \(outcome.standardError)")
            let text = outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(text.hasPrefix("0.16.0 (commit "), "\(tool): \(text)")
            // A build from a clone knows its commit: twelve hex digits, then "+changes" for an edited tree.
            let commit = text.dropFirst("0.16.0 (commit ".count).prefix(while: { $0 != ")" && $0 != "+" })
            #expect(commit.count == 12 && commit.allSatisfy(\.isHexDigit), "\(tool): \(text)")
        }
    }

    /// Runs a bash script with `$BIN` (the built tools), `$SERVER` and `extra` set, and `pipefail` on.
    static func bash(_ script: String, server: String, extra: [String: String] = [:]) async throws
        -> PrismProcess.Outcome
    {
        try await PrismProcess.run(
            executableURL: URL(fileURLWithPath: "/bin/bash"),
            arguments: ["-c", "set -o pipefail\n" + script],
            environment: extra.merging(["BIN": PrismProcess.productsDirectory.path, "SERVER": server]) { $1 })
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
