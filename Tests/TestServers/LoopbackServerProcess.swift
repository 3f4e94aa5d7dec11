import Foundation
import Testing

/// A backend server of the test's own (redis-server, nats-server) on a free loopback port, for tests
/// that stop and restart it. It restarts on the same port, as a real outage would end.
public final class LoopbackServerProcess: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let executable: String
    private let arguments: @Sendable (_ port: Int, _ directory: URL) -> [String]
    private var process: Process?

    public init(executable: String, arguments: @escaping @Sendable (_ port: Int, _ directory: URL) -> [String]) throws {
        self.executable = executable
        self.arguments = arguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prism-\((executable as NSString).lastPathComponent)-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        try start()
    }

    /// redis-server without persistence.
    public static func redis() throws -> LoopbackServerProcess {
        try LoopbackServerProcess(executable: "/usr/bin/redis-server") { port, directory in
            ["--bind", "127.0.0.1", "--port", "\(port)", "--dir", directory.path, "--save", "", "--appendonly", "no"]
        }
    }

    /// nats-server (2.2+: headers and no-responders).
    public static func nats() throws -> LoopbackServerProcess {
        try LoopbackServerProcess(executable: "/usr/sbin/nats-server") { port, directory in
            ["-a", "127.0.0.1", "-p", "\(port)", "-l", directory.appendingPathComponent("nats.log").path]
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments(port, directory)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if Self.accepts(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ServerProcessError(description: "\(executable) did not start on port \(port)")
    }

    /// SIGKILL: the server vanishes the way a crash or a pulled cable looks to its clients.
    public func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    private static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw ServerProcessError(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct ServerProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// The servers `make test` starts (scripts/with-services.sh). Missing is a failure, never a skip.
public enum SharedServers {
    /// `PRISM_TEST_REDIS` as host and port.
    public static func redis(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> (host: String, port: Int)? {
        guard let text = variable("PRISM_TEST_REDIS", server: "redis-server", sourceLocation: sourceLocation),
            let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...])
        else { return nil }
        return (String(text[..<colon]), port)
    }

    /// `PRISM_TEST_NATS`, a `nats://host:port` URL.
    public static func nats(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
        variable("PRISM_TEST_NATS", server: "nats-server", sourceLocation: sourceLocation)
    }

    private static func variable(_ name: String, server: String, sourceLocation: Testing.SourceLocation) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            Issue.record("\(name) is not set: run `make test`, which starts \(server)", sourceLocation: sourceLocation)
            return nil
        }
        return value
    }
}
