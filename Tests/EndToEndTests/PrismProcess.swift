import Foundation

/// Runs the built `prism` executable, as a user would, and captures what it prints.
struct PrismProcess {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The directory with the built products: the test bundle sits beside the executables.
    static let productsDirectory: URL = {
        if let override = ProcessInfo.processInfo.environment["PRISM_PRODUCTS_DIR"] {
            return URL(fileURLWithPath: override)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("prism").path) { return url }
        }
        return Bundle.main.bundleURL
    }()

    /// This process's environment with `extra`. The tools read the contexts file, so the tester's own
    /// (`~/.config/prism/config.yaml`) is replaced by one that is not there, unless `extra` names one.
    static func environment(_ extra: [String: String]) -> [String: String] {
        let noContexts = FileManager.default.temporaryDirectory.appendingPathComponent("prism-tests-no-contexts.yaml")
        return ProcessInfo.processInfo.environment.merging(["PRISM_CLIENT_CONFIG": noContexts.path]) { $1 }
            .merging(extra) { $1 }
    }

    static func run(_ arguments: [String], executable: String = "prism", environment: [String: String] = [:])
        async throws -> Outcome
    {
        try await run(
            executableURL: productsDirectory.appendingPathComponent(executable), arguments: arguments,
            environment: environment)
    }

    /// Runs any program to its end on a thread of its own: waiting for a child blocks, and blocking one of
    /// Swift's few cooperative threads would stall every other test running in parallel.
    /// - Parameter captureOutput: false for a program that leaves a daemon behind (tmux starting its
    ///   server): the daemon would hold the pipes open and the read would never end.
    static func run(
        executableURL: URL, arguments: [String], environment: [String: String] = [:], captureOutput: Bool = true
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try runBlocking(
                            executableURL: executableURL, arguments: arguments, environment: environment,
                            captureOutput: captureOutput)
                    })
            }
        }
    }

    private static func runBlocking(
        executableURL: URL, arguments: [String], environment: [String: String], captureOutput: Bool
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        process.environment = Self.environment(environment)
        guard captureOutput else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return Outcome(status: process.terminationStatus, standardOutput: "", standardError: "")
        }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read stderr on another thread while this one drains stdout, so neither pipe can fill and
        // block the child.
        let errorData = ErrorCollector(error.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class ErrorCollector: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
