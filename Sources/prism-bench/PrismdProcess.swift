import Foundation

/// The real prismd, started beside prism-bench for the over-the-wire scenarios, so that the figures
/// include serialisation, HTTP/2 and the kernel's loopback, and the server's memory is its own.
final class PrismdProcess {
    let process = Process()
    let grpc: String
    let directory: URL

    /// - Parameter messaging: the messaging slot as YAML flow text.
    init(registry: String, messaging: String = "{ backend: inproc }") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prism-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("prism.yaml")
        try """
        namespaces:
          - name: default
            indexed_fields: [type]
            slots:
              registry: { backend: \(registry) }
              messaging: \(messaging)
        """.write(to: config, atomically: true, encoding: .utf8)
        process.executableURL = Self.sibling("prismd")
        process.arguments = [
            "--config", config.path, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data-dir",
            directory.path, "--log-level", "error",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { throw BenchError("prismd exited before listening") }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let address = text.split(separator: " ").first(where: { $0.hasPrefix("grpc=") })?.dropFirst(5) else {
            throw BenchError("unexpected prismd output: \(text)")
        }
        grpc = String(address)
    }

    /// One of our executables, built beside prism-bench.
    static func sibling(_ name: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name)
    }

    var usage: ProcessUsage { ProcessUsage(pid: process.processIdentifier) }

    /// Resident memory in MiB, from /proc.
    var residentMiB: Double { usage.residentMiB }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
