import Foundation
import PrismAPI
import PrismServer
import Testing
import Yams

/// docker-compose.yml, the Dockerfile and the configs they use cannot run here (no Docker), so their
/// structure is checked instead, and prismd's configs go through prismd's own loader.
@Suite("deployment files: docker-compose.yml, Dockerfile, demo and compose configs")
struct DeploymentFilesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    static func text(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    static func compose() throws -> [String: Any] {
        try #require(try Yams.load(yaml: text("docker-compose.yml")) as? [String: Any])
    }

    static func service(_ name: String) throws -> [String: Any] {
        let services = try #require(try compose()["services"] as? [String: Any])
        return try #require(services[name] as? [String: Any], "no service \(name)")
    }

    @Test("three services, each with an image or a build and a health check that runs a command")
    func services() throws {
        let services = try #require(try Self.compose()["services"] as? [String: Any])
        #expect(Set(services.keys) == ["redis", "nats", "prismd"])
        for name in services.keys {
            let service = try Self.service(name)
            #expect(service["image"] is String || service["build"] is [String: Any], "\(name) has no image or build")
            let check = try #require(service["healthcheck"] as? [String: Any], "\(name) has no healthcheck")
            let test = try #require(check["test"] as? [String], "\(name): healthcheck.test is not a list")
            #expect(["CMD", "CMD-SHELL"].contains(test.first ?? ""), "\(name): \(test)")
            #expect(test.count >= 2)
            #expect(check["interval"] is String)
        }
        #expect((try Self.service("redis")["image"] as? String)?.hasPrefix("redis:") == true)
        #expect((try Self.service("nats")["image"] as? String)?.hasPrefix("nats:") == true)
    }

    @Test("prismd is built from the Dockerfile, waits for healthy backends, and checks its own /readyz")
    func prismd() throws {
        let prismd = try Self.service("prismd")
        let build = try #require(prismd["build"] as? [String: Any])
        #expect(build["context"] as? String == ".")
        let dockerfile = try #require(build["dockerfile"] as? String)
        #expect(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent(dockerfile).path))
        let dependsOn = try #require(prismd["depends_on"] as? [String: Any])
        for backend in ["redis", "nats"] {
            let condition = (dependsOn[backend] as? [String: Any])?["condition"] as? String
            #expect(condition == "service_healthy", "prismd must wait for a healthy \(backend)")
        }
        let test = try #require((prismd["healthcheck"] as? [String: Any])?["test"] as? [String])
        #expect(test.joined(separator: " ").contains("http://127.0.0.1:9464/readyz"))
        let ports = try #require(prismd["ports"] as? [String])
        #expect(Set(ports) == ["8980:8980", "9464:9464"])
    }

    @Test("the config compose mounts loads in prismd: iot on the redis and nats services, listening on all interfaces")
    func composeConfig() throws {
        let prismd = try Self.service("prismd")
        let volumes = try #require(prismd["volumes"] as? [String])
        let mount = try #require(volumes.first { $0.contains(":/etc/prism/prismd.yaml") })
        let source = String(mount.split(separator: ":")[0])
        let command = try #require(prismd["command"] as? [String])
        #expect(command == ["--config", "/etc/prism/prismd.yaml"])
        let configuration = try ConfigurationLoader.load(file: Self.repository.appendingPathComponent(source).path)
        #expect(configuration.listen.description == "0.0.0.0:8980")
        #expect(configuration.http.description == "0.0.0.0:9464")
        let namespace = try #require(configuration.namespaces.first { $0.name == "iot" })
        guard case .redis(let address, _) = namespace.registry else {
            Issue.record("registry is \(namespace.registry.backendName), not redis")
            return
        }
        #expect(address.description == "redis:6379")
        guard case .nats(let servers, _) = namespace.messaging else {
            Issue.record("messaging is \(namespace.messaging.backendName), not nats")
            return
        }
        #expect(servers == ["nats://nats:4222"])
    }

    @Test("the Dockerfile builds on the official Swift image with the C libraries and ships their runtimes")
    func dockerfile() throws {
        let dockerfile = try Self.text("Dockerfile")
        let stages = dockerfile.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2)
        #expect(stages.allSatisfy { $0.hasPrefix("FROM swift:") })
        for package in ["libsqlite3-dev", "libhiredis-dev", "libnats-dev", "libncurses-dev"] {
            #expect(dockerfile.contains(package), "the build stage lacks \(package)")
        }
        for package in ["libsqlite3-0", "libhiredis0.14", "libnats3.4", "libncursesw6", "curl"] {
            #expect(dockerfile.contains(package), "the runtime stage lacks \(package)")
        }
        for product in ["prismd", "prism", "prism-top", "prism-iot-sim"] {
            #expect(dockerfile.contains("\"$bin/\(product)\""), "\(product) is not installed")
        }
        #expect(dockerfile.contains("EXPOSE 8980 9464"))
        #expect(dockerfile.contains("ENTRYPOINT [\"prismd\"]"))
    }

    @Test("the demo's config loads in prismd: namespace iot on the embedded default backends")
    func demoConfig() throws {
        let configuration = try ConfigurationLoader.load(
            file: Self.repository.appendingPathComponent("demo/prismd.yaml").path)
        let namespace = try #require(configuration.namespaces.first)
        #expect(configuration.namespaces.count == 1)
        #expect(namespace.name == "iot")
        #expect(namespace.registry.backendName == "sqlite")
        #expect(namespace.messaging.backendName == "inproc")
    }
}
