import Foundation
import Synchronization

/// A long-running executable (prismd, `prism subscribe`, `prism watch`) whose output the test reads
/// line by line while it runs.
final class BackgroundProcess: Sendable {
    struct Timeout: Error, CustomStringConvertible { var description: String }

    private let process: Process
    private let output = CapturedOutput()

    private final class CapturedOutput: Sendable {
        struct Text {
            var standardOutput = ""
            var standardError = ""
        }
        let text = Mutex(Text())

        func withLock<Result>(_ body: (inout Text) -> Result) -> Result { text.withLock { body(&$0) } }
    }

    /// `executable` is one of our products (`prismd`, `prism`) or, with a slash, a path.
    init(_ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String] = [:])
        throws
    {
        let process = Process()
        process.executableURL =
            executable.contains("/")
            ? URL(fileURLWithPath: executable) : PrismProcess.productsDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        process.environment = PrismProcess.environment(environment)
        if let directory { process.currentDirectoryURL = directory }
        let standardOutput = Pipe()
        let standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        self.process = process
        standardOutput.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.withLock { $0.standardOutput += text }
        }
        standardError.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.withLock { $0.standardError += text }
        }
        try process.run()
    }

    var standardOutput: String { output.withLock { $0.standardOutput } }
    var standardError: String { output.withLock { $0.standardError } }
    var isRunning: Bool { process.isRunning }
    var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until stdout (or stderr) contains `text`, looking only past the first `skipping` characters;
    /// returns the whole output so far.
    @discardableResult
    func waitFor(
        _ text: String, inStandardError: Bool = false, skipping: Int = 0, timeout: Duration = .seconds(20)
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = inStandardError ? standardError : standardOutput
            if current.dropFirst(skipping).contains(text) { return current }
            if !process.isRunning {
                try await Task.sleep(for: .milliseconds(50))
                let final = inStandardError ? standardError : standardOutput
                if final.contains(text) { return final }
                throw Timeout(
                    description: "process exited (\(process.terminationStatus)) without printing '\(text)'; "
                        + "stdout: \(standardOutput) stderr: \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Timeout(description: "no '\(text)' within \(timeout); stdout: \(standardOutput) stderr: \(standardError)")
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit and returns its status.
    func waitForExit(timeout: Duration = .seconds(20)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw Timeout(
                    description:
                        "still running after \(timeout); its stderr ends: \(String(standardError.suffix(2000)))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// prismd started for a test: the embedded default in a temporary directory, on free ports.
struct Prismd {
    let process: BackgroundProcess
    let grpc: String
    let http: String
    let directory: URL
    /// The namespace `prism` commands name; nil for prism's default.
    var namespace: String?

    static func start(directory: URL? = nil, extraArguments: [String] = []) async throws -> Prismd {
        let directory =
            directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("prismd-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = try BackgroundProcess(
            "prismd", ["--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--log-level", "warning"] + extraArguments,
            directory: directory)
        let output = try await process.waitFor("prismd listening")
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("prismd listening") }),
            let grpc = line.split(separator: " ").first(where: { $0.hasPrefix("grpc=") })?.dropFirst(5),
            let http = line.split(separator: " ").first(where: { $0.hasPrefix("http=") })?.dropFirst(5)
        else { throw BackgroundProcess.Timeout(description: "unexpected start-up output: \(output)") }
        return Prismd(process: process, grpc: String(grpc), http: String(http), directory: directory, namespace: nil)
    }

    /// prismd with `config` (YAML) written to prism.yaml in a fresh directory, which is also its working
    /// and data directory.
    static func start(config: String, extraArguments: [String] = []) async throws -> Prismd {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prismd-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("prism.yaml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        return try await start(directory: directory, extraArguments: ["--config", file.path] + extraArguments)
    }

    /// Runs `prism` against this server.
    func prism(_ arguments: [String]) async throws -> PrismProcess.Outcome {
        try await PrismProcess.run(arguments + ["--server", grpc] + (namespace.map { ["--namespace", $0] } ?? []))
    }

    /// SIGTERM, as a service manager would; returns the exit status (0 after a graceful shutdown).
    @discardableResult
    func stop() async throws -> Int32 {
        process.signal(SIGTERM)
        return try await process.waitForExit()
    }
}
