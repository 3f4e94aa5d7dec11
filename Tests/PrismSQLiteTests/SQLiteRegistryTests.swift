import Foundation
import PrismFilter
import PrismRegistry
import PrismRegistryConformance
import Testing

@testable import PrismSQLite

/// A fresh data directory under the system's temporary directory.
func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("prism-sqlite-\(UUID().uuidString)").path
    return path
}

@Suite("SQLite registry")
struct SQLiteRegistryTests {
    @Test("RegistrySlot conformance, with filters pushed down to SQL", arguments: RegistrySlotConformance.checkNames)
    func conformance(check: String) async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SQLiteDatabase(directory: directory)
        try await RegistrySlotConformance.run(check, on: SQLiteRegistry(database: database, namespace: "test"))
        await database.close()
    }

    @Test("RegistrySlot conformance, with expression indexes", arguments: RegistrySlotConformance.checkNames)
    func conformanceIndexed(check: String) async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SQLiteDatabase(directory: directory)
        let registry = SQLiteRegistry(
            database: database, namespace: "test",
            indexedFields: [["type"], ["floor"], ["fw"], ["loc", "b"], ["battery"]])
        try await registry.prepareIndexes()
        try await RegistrySlotConformance.run(check, on: registry)
        await database.close()
    }

    @Test("an equality on an indexed path is answered from the expression index")
    func expressionIndexIsUsed() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let creator = try SQLiteDatabase(directory: directory)
        try await SQLiteRegistry(database: creator, namespace: "plan", indexedFields: [["type"]]).prepareIndexes()
        await creator.close()
        // A fresh connection plans with the new schema (EXPLAIN does not re-read a stale one).
        let database = try SQLiteDatabase(directory: directory)
        let statement = SQLiteIndexes.createStatement(for: ["type"])
        let indexName = String(statement.split(separator: " ")[5])
        let plan = try await database.read { connection throws(RegistryError) -> String in
            var details: [String] = []
            try connection.query(
                "EXPLAIN QUERY PLAN SELECT name FROM identities WHERE namespace = ?1 AND \(SQLiteIndexes.expression(for: ["type"])) = ?2",
                [.text("plan"), .text("hub")]
            ) { row throws(RegistryError) in details.append(row.text(3)) }
            return details.joined(separator: "; ")
        }
        let schema = try await database.read { connection throws(RegistryError) -> String in
            var rows: [String] = []
            try connection.query("SELECT sql FROM sqlite_master WHERE type = 'index'") { row throws(RegistryError) in
                rows.append(row.text(0))
            }
            return rows.joined(separator: "; ")
        }
        #expect(plan.contains(indexName), "query plan: \(plan); indexes: \(schema)")
        await database.close()
    }

    @Test("RegistrySlot conformance, without pushdown", arguments: RegistrySlotConformance.checkNames)
    func conformanceWithoutPushdown(check: String) async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SQLiteDatabase(directory: directory)
        try await RegistrySlotConformance.run(
            check, on: SQLiteRegistry(database: database, namespace: "test", pushdown: false))
        await database.close()
    }

    @Test("namespaces in one file do not see each other")
    func namespaces() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SQLiteDatabase(directory: directory)
        let a = SQLiteRegistry(database: database, namespace: "a")
        let b = SQLiteRegistry(database: database, namespace: "b")
        let now = RegistrySlotConformance.start
        let identity = Identity(name: "same", metadata: ["ns": "a"], registeredAt: now, updatedAt: now, expiresAt: nil)
        _ = try await a.register(identity, replace: false, now: now)
        _ = try await b.register(identity, replace: false, now: now)
        #expect(try await a.count(now: now) == 1)
        #expect(try await b.remove("same", now: now) != nil)
        #expect(try await a.get("same", now: now) != nil)
        await database.close()
    }

    @Test("SQL metacharacters in filter strings and keys are data, never SQL")
    func injection() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SQLiteDatabase(directory: directory)
        let registry = SQLiteRegistry(database: database, namespace: "inj")
        let now = RegistrySlotConformance.start
        let tricky: JSONObject = [
            "name": "x'); DROP TABLE identities; --", "key\"; DROP": "v", "a'b": 1, "per%cent_": "50%_off",
        ]
        let identity = Identity(name: "evil", metadata: tricky, registeredAt: now, updatedAt: now, expiresAt: nil)
        _ = try await registry.register(identity, replace: false, now: now)
        let other = Identity(name: "plain", metadata: ["name": "x"], registeredAt: now, updatedAt: now, expiresAt: nil)
        _ = try await registry.register(other, replace: false, now: now)
        let filters = [
            #"name == "x'); DROP TABLE identities; --""#, #"["key\"; DROP"] == "v""#, #"["a'b"] == 1"#,
            #"["per%cent_"] startswith "50%""#, #"name contains "'); DROP""#, #"name in ["x", "' OR 1=1 --"]"#,
            #"name == "' OR '1'='1""#, #"{"name.startswith": "x'"}"#,
        ]
        for text in filters {
            let filter = try Filter(text)
            let expected = [identity, other].filter { filter.matches($0.metadata, identity: $0.name) }.map(\.name)
            let page = try await registry.enumerate(EnumerationQuery(filter: filter), now: now)
            #expect(page.identities.map(\.name) == expected, "\(text)")
        }
        #expect(try await registry.count(now: now) == 2, "the table is intact")
        await database.close()
    }

    @Test(
        "a corrupt file is DATA_LOSS, a newer schema and an unwritable directory UNAVAILABLE; paths only in the cause"
    )
    func badFiles() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = (directory as NSString).appendingPathComponent(SQLiteDatabase.fileName)
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: file))
        #expect {
            _ = try SQLiteDatabase(directory: directory)
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.code == .dataLoss && error.message.contains("corrupt or not a Prism database")
                && !error.message.contains(file) && error.detailedMessage.contains(file)
                && (error.cause as? SQLiteFailure)?.resultCode == 26  // SQLITE_NOTADB
        }
        try FileManager.default.removeItem(atPath: file)
        let database = try SQLiteDatabase(directory: directory)
        await database.close()
        let writer = try SQLiteConnection(path: file, readOnly: false)
        try writer.execute("PRAGMA user_version = 99")
        writer.close()
        #expect {
            _ = try SQLiteDatabase(directory: directory)
        } throws: { error in
            let error = error as? RegistryError
            return error?.code == .unavailable && error?.message.contains("schema version 99") == true
        }
        #expect {
            _ = try SQLiteDatabase(directory: "/proc/prism-cannot-exist/data")
        } throws: { error in
            let error = error as? RegistryError
            return error?.code == .unavailable && error?.message.contains("/proc/") == false
                && error?.detailedMessage.contains("/proc/prism-cannot-exist/data") == true
        }
    }

    @Test("concurrent writers are all committed (group commit)")
    func concurrentWriters() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SQLiteDatabase(directory: directory)
        let registry = SQLiteRegistry(database: database, namespace: "cw")
        let now = RegistrySlotConformance.start
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for index in 0..<100 {
                        let identity = Identity(
                            name: "w\(writer)-\(index)", metadata: ["writer": .int(Int64(writer))], registeredAt: now,
                            updatedAt: now, expiresAt: nil)
                        _ = try await registry.register(identity, replace: false, now: now)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await registry.count(now: now) == 1600)
        await database.close()
        // Reopened, everything is there.
        let reopened = try SQLiteDatabase(directory: directory)
        #expect(try await SQLiteRegistry(database: reopened, namespace: "cw").count(now: now) == 1600)
        await reopened.close()
    }
}
