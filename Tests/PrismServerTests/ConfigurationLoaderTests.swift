import Logging
import PrismAPI
import PrismServer
import Testing

@Suite("prismd's YAML config")
struct ConfigurationLoaderTests {
    @Test("a full config is read with every value")
    func fullConfig() throws {
        let configuration = try ConfigurationLoader.parse(
            """
            listen: 0.0.0.0:9000
            http: 127.0.0.1:9100
            data_dir: /var/lib/prism
            log_level: debug
            grpc:
              max_concurrent_streams: 2000
              stream_resets_per_second: 50
              keepalive: 15s
              keepalive_timeout: 5s
              reflection: false
            tls: { cert: /etc/prism/server.pem, key: /etc/prism/server-key.pem, client_ca: /etc/prism/ca.pem }
            namespaces:
              - name: iot
                pattern: multicast-registry
                default_ttl: 30s
                max_ttl: 1h
                max_identities: 5000
                sweep_interval: 250ms
                indexed_fields: [type, location.building]
                slots:
                  registry:  { backend: sqlite, path: /tmp/iot }
                  messaging: { backend: inproc }
              - name: cache
                slots:
                  registry:  { backend: memory }
                  messaging: { backend: inproc }
              - name: shared
                slots:
                  registry:  { backend: redis, address: 10.0.0.5:6379, connections: 8 }
                  messaging: { backend: nats, servers: [nats://10.0.0.6:4222, "10.0.0.7:4222"], prefix: acme.cmd }
            """, file: "prism.yaml")
        #expect(configuration.listen == HostAndPort(host: "0.0.0.0", port: 9000))
        #expect(configuration.http == HostAndPort(host: "127.0.0.1", port: 9100))
        #expect(configuration.dataDirectory == "/var/lib/prism")
        #expect(configuration.logLevel == .debug)
        #expect(
            configuration.grpc
                == FrontDoorSettings(
                    maxConcurrentStreams: 2000, streamResetsPerSecond: 50, keepalive: .seconds(15),
                    keepaliveTimeout: .seconds(5), reflection: false))
        #expect(
            configuration.tls
                == TLSSettings(
                    certificateFile: "/etc/prism/server.pem", keyFile: "/etc/prism/server-key.pem",
                    clientCAFile: "/etc/prism/ca.pem"))
        #expect(configuration.namespaces.count == 3)
        #expect(
            configuration.namespaces[2].registry
                == .redis(address: HostAndPort(host: "10.0.0.5", port: 6379), connections: 8))
        #expect(
            configuration.namespaces[2].messaging
                == .nats(servers: ["nats://10.0.0.6:4222", "nats://10.0.0.7:4222"], subjectPrefix: "acme.cmd"))
        #expect(configuration.namespaces[1].messaging == .inproc)
        let iot = configuration.namespaces[0]
        #expect(iot.defaultTTL == .seconds(30))
        #expect(iot.maxTTL == .seconds(3600))
        #expect(iot.maxIdentities == 5000)
        #expect(iot.sweepInterval == .milliseconds(250))
        #expect(iot.indexedFields == ["type", "location.building"])
        #expect(iot.registry == .sqlite(path: "/tmp/iot"))
        #expect(configuration.namespaces[1].registry == .memory)
        #expect(configuration.namespaces[1].defaultTTL == nil)
    }

    @Test(
        "a bad config names the file, line, key path and reason",
        arguments: [
            (
                "namespaces:\n  - name: iot\n    default_tll: 30s\n    slots: {registry: {backend: memory}, messaging: {backend: inproc}}\n",
                "prism.yaml:3: namespaces[0].default_tll: unknown key 'default_tll'; did you mean 'default_ttl'?"
            ),
            (
                "namespaces:\n  - name: iot\n    default_ttl: 30\n    slots: {registry: {backend: memory}, messaging: {backend: inproc}}\n",
                "prism.yaml:3: namespaces[0].default_ttl: invalid duration '30': no unit after 30"
            ),
            (
                "namespaces:\n  - name: iot\n    slots:\n      registry: {backend: mongo}\n      messaging: {backend: inproc}\n",
                "prism.yaml:4: namespaces[0].slots.registry.backend: unknown registry backend 'mongo'; supported registry backends: memory, sqlite, redis"
            ),
            (
                "namespaces:\n  - name: iot\n    slots:\n      registry: {backend: memory}\n      messaging: {backend: kafka}\n",
                "prism.yaml:5: namespaces[0].slots.messaging.backend: unknown messaging backend 'kafka'; supported messaging backends: inproc, nats"
            ),
            (
                "namespaces:\n  - name: iot\n    slots:\n      registry: {backend: memory}\n      messaging: {backend: nats}\n",
                "prism.yaml:5: namespaces[0].slots.messaging: missing 'servers' (a list of NATS URLs such as nats://127.0.0.1:4222)"
            ),
            (
                "namespaces:\n  - name: iot\n    slots:\n      registry: {backend: memory}\n      messaging: {backend: nats, servers: [\"http://x:1\"]}\n",
                "prism.yaml:5: namespaces[0].slots.messaging.servers[0]: 'http://x:1' is not a NATS server URL such as nats://127.0.0.1:4222"
            ),
            (
                "namespaces:\n  - name: iot\n    slots:\n      registry: {backend: memory}\n      messaging: {backend: nats, servers: [nats://a:1], prefix: \"a.>\"}\n",
                "prism.yaml:5: namespaces[0].slots.messaging.prefix: 'a.>' is not a NATS subject prefix: dot-separated tokens of printable ASCII without wildcards"
            ),
            (
                "namespaces:\n  - name: a.b\n    slots:\n      registry: {backend: memory}\n      messaging: {backend: nats, servers: [nats://a:1]}\n",
                "prism.yaml:2: namespaces[0].name: 'a.b' cannot use NATS messaging: a namespace name for NATS must not contain '.'"
            ),
            ("listen: 8980\nnamespaces: []\n", "prism.yaml:1: listen: '8980' is not HOST:PORT"),
            ("listen: 127.0.0.1:8980\n", "prism.yaml:1: namespaces: missing; list at least one namespace"),
            (
                "namespaces:\n  - name: a b\n    slots: {registry: {backend: memory}, messaging: {backend: inproc}}\n",
                "prism.yaml:2: namespaces[0].name: 'a b' is not a valid namespace name"
            ),
            (
                "namespaces:\n  - name: iot\n    max_identities: lots\n    slots: {registry: {backend: memory}, messaging: {backend: inproc}}\n",
                "prism.yaml:3: namespaces[0].max_identities: expected a whole number"
            ),
            ("namespaces: [\n", "prism.yaml: not valid YAML"),
            (
                "grpc: { max_concurrent_streams: 0 }\nnamespaces: []\n",
                "prism.yaml:1: grpc.max_concurrent_streams: 0 is outside 1...100000"
            ),
            (
                "grpc: { keepalive: 100ms }\nnamespaces: []\n",
                "prism.yaml:1: grpc.keepalive: must be at least 1s"
            ),
            (
                "tls: { cert: /etc/prism/server.pem }\nnamespaces: []\n",
                "prism.yaml:1: tls: missing 'key' (the PEM private key of 'cert')"
            ),
            (
                "tls: { cert: a.pem, key: b.pem, ca: c.pem }\nnamespaces: []\n",
                "prism.yaml:1: tls.ca: unknown key 'ca'"
            ),
            (
                "grpc: { reflection: yes }\nnamespaces: []\n",
                "prism.yaml:1: grpc.reflection: expected true or false"
            ),
            (
                "grpc: { max_streams: 10 }\nnamespaces: []\n",
                "prism.yaml:1: grpc.max_streams: unknown key 'max_streams'"
            ),
        ])
    func badConfig(yaml: String, expected: String) {
        #expect {
            try ConfigurationLoader.parse(yaml, file: "prism.yaml")
        } throws: { error in
            let description = "\(error)"
            let matches = description.hasPrefix(expected)
            if !matches { Issue.record("got: \(description)") }
            return matches
        }
    }

    @Test(
        "reflection is served by default on loopback listeners only",
        arguments: [
            ("127.0.0.1:8980", true), ("127.9.9.9:1", true), ("localhost:8980", true), ("[::1]:8980", true),
            ("0.0.0.0:8980", false), ("10.0.0.5:8980", false), ("[::]:8980", false), ("prism.example:8980", false),
        ])
    func reflectionDefault(listen: String, served: Bool) throws {
        let address = try #require(HostAndPort(listen))
        #expect(FrontDoorSettings().servesReflection(listeningOn: address) == served)
        #expect(FrontDoorSettings(reflection: true).servesReflection(listeningOn: address))
        #expect(!FrontDoorSettings(reflection: false).servesReflection(listeningOn: address))
    }

    @Test(
        "a configuration built in code goes through the same checks as YAML",
        arguments: [
            (
                ServerConfiguration(namespaces: [
                    NamespaceConfiguration(name: "a", registry: .memory, messaging: .inproc),
                    NamespaceConfiguration(name: "a", registry: .sqlite(path: nil), messaging: .inproc),
                ]),
                "configuration: namespaces[1].name: namespace 'a' is defined twice"
            ),
            (
                ServerConfiguration(namespaces: [
                    NamespaceConfiguration(
                        name: "iot", defaultTTL: .seconds(60), maxTTL: .seconds(30), registry: .memory,
                        messaging: .inproc)
                ]),
                "configuration: namespaces[0].default_ttl: default_ttl is above max_ttl"
            ),
            (
                ServerConfiguration(namespaces: [
                    NamespaceConfiguration(
                        name: "a.b", registry: .memory, messaging: .nats(servers: ["nats://x:1"], subjectPrefix: "p"))
                ]),
                "configuration: namespaces[0].name: 'a.b' cannot use NATS messaging"
            ),
            (
                ServerConfiguration(namespaces: [
                    NamespaceConfiguration(
                        name: "iot", registry: .redis(address: HostAndPort(host: "r", port: 6379), connections: 0),
                        messaging: .inproc)
                ]),
                "configuration: namespaces[0].slots.registry.connections: 0 is outside 1...256"
            ),
            (
                ServerConfiguration(namespaces: [
                    NamespaceConfiguration(
                        name: "iot", registry: .memory, messaging: .nats(servers: [], subjectPrefix: "p"))
                ]),
                "configuration: namespaces[0].slots.messaging.servers: give at least one NATS server"
            ),
            (ServerConfiguration(namespaces: []), "configuration: namespaces: list at least one namespace"),
            (
                ServerConfiguration(
                    grpc: FrontDoorSettings(keepalive: .milliseconds(10)),
                    namespaces: [NamespaceConfiguration(name: "iot", registry: .memory, messaging: .inproc)]),
                "configuration: grpc.keepalive: must be at least 1s"
            ),
        ])
    func invalidInCode(configuration: ServerConfiguration, expected: String) async {
        #expect {
            try configuration.validate()
        } throws: { error in
            let matches = "\(error)".hasPrefix(expected)
            if !matches { Issue.record("got: \(error)") }
            return matches
        }
        // And the daemon refuses it before opening anything.
        let daemon = PrismDaemon(configuration: configuration, logger: Logger(label: "test"))
        await #expect(throws: ConfigurationError.self) { try await daemon.run() }
    }

    @Test("two namespaces of one name in YAML are refused at the second")
    func duplicateNamespace() {
        #expect {
            try ConfigurationLoader.parse(
                "namespaces:\n  - name: a\n    slots: {registry: {backend: memory}, messaging: {backend: inproc}}\n"
                    + "  - name: a\n    slots: {registry: {backend: memory}, messaging: {backend: inproc}}\n",
                file: "prism.yaml")
        } throws: { error in
            "\(error)" == "prism.yaml:4: namespaces[1].name: namespace 'a' is defined twice"
        }
    }

    @Test("the embedded default is namespace default on SQLite with in-process messaging")
    func embeddedDefault() {
        let configuration = ServerConfiguration.embeddedDefault(dataDirectory: "/tmp/x")
        #expect(configuration.namespaces.map(\.name) == ["default"])
        #expect(configuration.namespaces[0].registry == .sqlite(path: nil))
        #expect(configuration.namespaces[0].messaging == .inproc)
        #expect(configuration.listen.description == "127.0.0.1:8980")
        #expect(configuration.http.description == "127.0.0.1:9464")
        // Clients queue beyond the advertised limit; it must be well above swift-nio-http2's silent 100.
        #expect(configuration.grpc.maxConcurrentStreams == 1000)
    }
}
