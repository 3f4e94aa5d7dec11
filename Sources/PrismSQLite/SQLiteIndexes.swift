import Foundation
import PrismFilter

/// Expression indexes on metadata paths: `json_extract(metadata, '$."key"')` for the paths a namespace
/// configures as indexed.
///
/// SQLite uses an expression index only when the query repeats the indexed expression literally, so
/// the JSON path must appear in the SQL text, not as a bound parameter. These paths come from the
/// namespace's configuration, never from a client's filter, and are escaped as SQL string literals.
enum SQLiteIndexes {
    /// Paths SQLite's JSON path syntax can name (no `"`, no empty segment).
    static func isIndexable(_ path: [String]) -> Bool {
        !path.isEmpty && !path.contains { $0.isEmpty || $0.contains("\"") }
    }

    /// `json_extract(metadata, '$."a"."b"')`, with `'` doubled inside the literal.
    static func expression(for path: [String]) -> String {
        let jsonPath = "$" + path.map { ".\"" + $0 + "\"" }.joined()
        return "json_extract(metadata, '" + jsonPath.replacingOccurrences(of: "'", with: "''") + "')"
    }

    static func createStatement(for path: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.joined(separator: "\u{0}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        // The expression alone: entries of a WITHOUT ROWID table's index carry the primary key
        // (namespace, name) anyway, and SQLite 3.40 ignores an index that leads with `namespace`.
        return "CREATE INDEX IF NOT EXISTS identities_by_json_\(String(hash, radix: 16)) "
            + "ON identities (\(expression(for: path)))"
    }

    /// Top-level conjuncts `path == string` or `path == number` on an indexed path. Booleans and null are
    /// left out: `json_extract` returns them as 0/1 and NULL, which the index cannot tell apart exactly.
    static func indexableEqualities(in expression: FilterExpression, indexed: Set<[String]>) -> [(
        [String], SQLiteValue
    )] {
        guard !indexed.isEmpty else { return [] }
        let operands: [FilterExpression]
        if case .and(let items) = expression { operands = items } else { operands = [expression] }
        return operands.compactMap { operand in
            guard case .predicate(let predicate) = operand, predicate.op == .equal, !predicate.path.isIdentity,
                indexed.contains(predicate.path.segments), case .value(let value) = predicate.operand
            else { return nil }
            switch value {
            case .string(let text): return (predicate.path.segments, .text(text))
            case .int(let integer): return (predicate.path.segments, .integer(integer))
            case .double(let double): return (predicate.path.segments, .real(double))
            default: return nil
            }
        }
    }
}
