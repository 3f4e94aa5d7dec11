import PrismRegistry

/// What SQLite itself does on this machine, measured with the same library and connections, so
/// prism-bench can quote the registry's figures as a ratio to the backend's own (DESIGN §7).
public enum SQLiteBaseline {
    /// Counts the rows of `namespace` whose metadata has `key` equal to `value`, with one plain
    /// `json_extract` per row: the raw full scan the pushdown is held against.
    public static func jsonExtractScan(_ database: SQLiteDatabase, namespace: String, key: String, value: String)
        async throws(RegistryError) -> Int
    {
        try await database.read { connection throws(RegistryError) -> Int in
            var count = 0
            try connection.query(
                "SELECT count(*) FROM identities WHERE namespace = ?1 AND json_extract(metadata, ?2) = ?3",
                [.text(namespace), .text("$.\"\(key)\""), .text(value)]
            ) { row throws(RegistryError) in count = Int(row.integer(0)) }
            return count
        }
    }

    /// Inserts `rows` rows like identities (a 250-byte JSON text each) into a scratch table, `batch`
    /// per transaction, on the writer connection, and drops the table. Returns the rows inserted.
    public static func batchedInserts(_ database: SQLiteDatabase, rows: Int, batch: Int) async throws(RegistryError)
        -> Int
    {
        try await database.writer.write { connection throws(RegistryError) -> Int in
            try connection.run("COMMIT")
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS baseline (namespace TEXT NOT NULL, name TEXT NOT NULL,
                    metadata TEXT NOT NULL, expires_at INTEGER, PRIMARY KEY (namespace, name)) WITHOUT ROWID
                """)
            let metadata =
                #"{"battery":0.42,"building":"HQ","capabilities":["read","reboot"],"firmware":"1.10.2","#
                + #""floor":3,"kind":"temperature","last_reading":{"unit":"C","value":21.5},"serial":12345,"#
                + #""type":"sensor"}"#
            var inserted = 0
            while inserted < rows {
                try connection.run("BEGIN IMMEDIATE")
                for _ in 0..<min(batch, rows - inserted) {
                    try connection.run(
                        "INSERT INTO baseline VALUES (?1, ?2, ?3, ?4)",
                        [
                            .text("baseline"), .text("dev-\((inserted &* 7919) % 1_000_003)-\(inserted)"),
                            .text(metadata),
                            .integer(Int64(inserted)),
                        ])
                    inserted += 1
                }
                try connection.run("COMMIT")
            }
            try connection.execute("DROP TABLE baseline")
            // The writer runs every write inside its group transaction: reopen one for it to commit.
            try connection.run("BEGIN IMMEDIATE")
            return inserted
        }
    }
}
