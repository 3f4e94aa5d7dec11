// Test helper for PrismSQLiteTests: registers identities through a coordinator on the SQLite registry
// and prints each name once its registration has returned, so a test can kill -9 this process at any
// moment and check that every printed (acknowledged) identity survived.
//
// Usage: prism-sqlite-crash-writer DATA_DIR COUNT
import Foundation
import PrismRegistry
import PrismSQLite

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: prism-sqlite-crash-writer DATA_DIR COUNT\n".utf8))
    exit(2)
}
/// Writes a line unbuffered: the test reads it while this process may be killed at any instant.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let database = try SQLiteDatabase(directory: arguments[1])
let coordinator = Coordinator(
    settings: NamespaceSettings(name: "crash"), registry: SQLiteRegistry(database: database, namespace: "crash"),
    messaging: InProcessMessaging())
try await coordinator.start()
try await withThrowingTaskGroup(of: Void.self) { group in
    // Several concurrent writers, so acknowledged writes share group commits.
    for writer in 0..<8 {
        group.addTask {
            for index in stride(from: writer, to: count, by: 8) {
                // Every third identity has a 1 s TTL: expired by the time the test reopens the file.
                let ttl: Duration? = index % 3 == 0 ? .seconds(1) : nil
                try await coordinator.register("id-\(index)", metadata: ["index": .int(Int64(index))], ttl: ttl)
                say("acked id-\(index) \(ttl == nil ? "keep" : "expire")")
            }
        }
    }
    try await group.waitForAll()
}
say("done")
