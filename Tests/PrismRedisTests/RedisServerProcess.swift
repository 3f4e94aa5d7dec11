import Foundation
import Testing

/// A redis-server of the test's own, on a free port, for tests that stop and restart it.
final class RedisServerProcess {
    let port: Int
    let directory: URL
    private var process: Process?

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prism-redis-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = [
            "--bind", "127.0.0.1", "--port", "\(port)", "--dir", directory.path, "--save", "", "--appendonly", "no",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if Self.accepts(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw RedisProcessError(description: "redis-server did not start on port \(port)")
    }

    func stop() {
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
        guard bound else { throw RedisProcessError(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct RedisProcessError: Error, CustomStringConvertible { var description: String }

/// The shared Redis `make test` starts (scripts/with-services.sh redis). Missing is a failure, not a skip.
enum SharedRedis {
    static func address(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> (host: String, port: Int)? {
        guard let text = ProcessInfo.processInfo.environment["PRISM_TEST_REDIS"],
            let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...])
        else {
            Issue.record(
                "PRISM_TEST_REDIS is not set: run `make test`, which starts redis-server",
                sourceLocation: sourceLocation)
            return nil
        }
        return (String(text[..<colon]), port)
    }
}
