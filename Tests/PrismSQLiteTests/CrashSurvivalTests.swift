import Foundation
import PrismFilter
import PrismRegistry
import Testing

@testable import PrismSQLite

@Suite("SQLite durability")
struct CrashSurvivalTests {
    static var helper: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while directory.pathComponents.count > 1 {
            directory.deleteLastPathComponent()
            let candidate = directory.appendingPathComponent("prism-sqlite-crash-writer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "prism-sqlite-crash-writer")
    }

    @Test("every acknowledged registration survives kill -9 of the writing process; expired ones are swept once")
    func killNine() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = Self.helper
        process.arguments = [directory, "10000"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Read acknowledgements until 6,000 have arrived, then kill the writer mid-stream.
        var acknowledged: [String: Bool] = [:]
        var buffer = Data()
        let handle = output.fileHandleForReading
        while acknowledged.count < 6000 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                let parts = line.split(separator: " ")
                if parts.count == 3, parts[0] == "acked" { acknowledged[String(parts[1])] = parts[2] == "expire" }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(acknowledged.count >= 6000)

        // Reopen after every short TTL has passed: survivors are all there, the expired are swept once.
        try await Task.sleep(for: .milliseconds(1100))
        let database = try SQLiteDatabase(directory: directory)
        let coordinator = Coordinator(
            settings: NamespaceSettings(name: "crash"),
            registry: SQLiteRegistry(database: database, namespace: "crash"),
            messaging: InProcessMessaging())
        try await coordinator.start()
        let stats = coordinator.statistics.counters
        #expect(stats.expirations >= acknowledged.values.filter { $0 }.count, "start swept what expired while down")
        for (name, expires) in acknowledged where !expires {
            #expect((try? await coordinator.get(name)) != nil, "acknowledged \(name) is missing")
        }
        for (name, expires) in acknowledged.prefix(200) where expires {
            await #expect(throws: RegistryError.self) { _ = try await coordinator.get(name) }
        }
        #expect(try await coordinator.sweepExpired() == 0, "each expired identity is swept exactly once")
        await coordinator.stop()
        await database.close()
    }
}
