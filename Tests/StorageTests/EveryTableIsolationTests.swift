import Foundation
import Storage
import Testing
import TestSupport

/// Every table of the schema, tried across gyms and across members by the serving role with no
/// filter an application would add: reads of the other side's rows find none, updates and
/// deletes change none, inserting a copy of the other side's row is refused by row-level
/// security, and TRUNCATE is refused outright. New tables are tried as soon as a migration adds
/// them.
@Suite struct EveryTableIsolationTests {
    /// Readable by anyone by design: the public catalog, and the gyms' check-in public keys.
    static let publicToRead: Set<String> = ["tenants", "classes", "class_schedules", "credit_packages", "checkin_keys"]

    @Test func everyTableHoldsAcrossGymsAndMembers() async throws {
        let (f, gymB, memberA, memberB) = try await RowLevelSecurityTests.twoGyms()
        let gymA = f.tenant.id
        let tables: [String: Set<String>] = try await f.store.database.transaction { db in
            try db.setContext(.system)
            let rows = try db.query(
                """
                SELECT c.table_name AS t, c.column_name AS c FROM information_schema.columns c
                JOIN pg_tables p ON p.tablename = c.table_name AND p.schemaname = 'public' WHERE c.table_schema = 'public'
                """
            )
            return Dictionary(grouping: rows, by: { $0["t"].text! }).mapValues { Set($0.map { $0["c"].text! }) }
        }
        #expect(tables.count >= 30)
        var triedReads = 0, triedInserts: [String] = []
        for (table, columns) in tables.sorted(by: { $0.key < $1.key }) where table != "schema_migrations" {
            await #expect(throws: StoreError.self, "TRUNCATE \(table) was allowed") {
                try await f.store.database.transaction { db in
                    try db.setContext(.system)
                    try db.query("TRUNCATE \(table)")
                }
            }
            // Gym A's staff against gym B's rows; member A against member B's.
            let sides: [(AccessContext, String, String)] = [
                (.tenant(gymA, user: nil), table == "tenants" ? "id" : "tenant_id", gymB),
                (.member(memberA), table == "users" ? "id" : "user_id", memberB),
            ]
            for (context, column, other) in sides where columns.contains(column) {
                triedReads += 1
                let (seen, updated, deleted) = try await f.store.database.transaction { db in
                    try db.setContext(context)
                    let seen = try db.query("SELECT COUNT(*) AS n FROM \(table) WHERE \(column) = $1", .text(other))[0]["n"].integer ?? -1
                    try db.query("UPDATE \(table) SET \(column) = \(column) WHERE \(column) = $1", .text(other))
                    let updated = db.changes
                    try db.query("DELETE FROM \(table) WHERE \(column) = $1", .text(other))
                    return (seen, updated, db.changes)
                }
                if !(Self.publicToRead.contains(table) && context != .member(memberA)) {
                    #expect(seen == 0, "\(table): \(context) reads \(seen) of \(other)'s rows")
                }
                #expect(updated == 0 && deleted == 0, "\(table): \(context) changed \(updated) and deleted \(deleted) of \(other)'s rows")

                // A copy of one of the other side's rows, under a new id.
                let sample = try await f.store.database.transaction { db in
                    try db.setContext(.system)
                    return try db.query("SELECT row_to_json(x)::text AS j FROM \(table) x WHERE \(column) = $1 LIMIT 1", .text(other)).first?["j"].text
                }
                guard let sample, var row = try JSONSerialization.jsonObject(with: Data(sample.utf8)) as? [String: Any] else { continue }
                if row["id"] is String { row["id"] = UUID().uuidString.lowercased() }
                let copy = String(decoding: try JSONSerialization.data(withJSONObject: row), as: UTF8.self)
                triedInserts.append(table)
                let error = await #expect(throws: StoreError.self, "\(table): \(context) inserted a row as \(other)") {
                    try await f.store.database.transaction { db in
                        try db.setContext(context)
                        try db.query("INSERT INTO \(table) SELECT * FROM json_populate_record(NULL::\(table), $1::json)", .text(copy))
                    }
                }
                #expect("\(String(describing: error))".contains("row-level security"), "\(table): \(String(describing: error))")
            }
        }
        #expect(triedReads >= 35)
        // The fixture's two gyms leave rows in these at least, so their inserts were really tried.
        #expect(Set(triedInserts).isSuperset(of: ["bookings", "classes", "class_schedules", "member_credits", "tenants", "users", "user_tenant_roles"]), "\(triedInserts)")
    }
}
