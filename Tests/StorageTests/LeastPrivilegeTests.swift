import Foundation
import SQL
import Storage
import Testing
import TestSupport

/// On PostgreSQL the store serves as a role with grants alone (every store and server test runs
/// so): what injected SQL would try with that role is refused, and the owner alone migrates.
@Suite struct LeastPrivilegeTests {
    @Test func theServingRoleCannotEmptyTablesNorSwitchRowLevelSecurityOff() async throws {
        let f = try await StoreFixture.make(.postgres)
        #expect(try await f.store.owningRole() == nil)
        #expect(try await f.store.unboundRole() == nil)
        let owner = Store(database: try PostgresDatabase(url: try #require(f.ownerURL), connections: 1))
        #expect(try await owner.owningRole() == StoreKind.ownerRole)
        let attempts = [
            "TRUNCATE ledger_postings", "TRUNCATE bookings CASCADE", "ALTER TABLE ledger_postings NO FORCE ROW LEVEL SECURITY",
            "ALTER TABLE bookings DISABLE ROW LEVEL SECURITY", "DROP POLICY owner_access ON bookings", "DROP TABLE bookings",
            "CREATE TABLE stolen (n integer)", "ALTER TABLE tenants OWNER TO \(StoreKind.appRole)",
            "DELETE FROM schema_migrations", "CREATE OR REPLACE FUNCTION app_system() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
        ]
        for statement in attempts {
            await #expect(throws: StoreError.self, "\(statement) was allowed") {
                try await f.store.database.transaction { db in
                    try db.setContext(.system)
                    try db.query(statement)
                }
            }
        }
        // What serving needs still works: the fixture's gym and sessions are there, and a
        // member books.
        let member = try await f.member("m", credits: 4)
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[1], marketplace: false, now: f.now)
        #expect(try await f.store.bookings.spotsLeft(sessionId: f.sessions[1]) == 9)
    }

    @Test func aPendingMigrationNamesWhoMayApplyIt() async throws {
        let f = try await StoreFixture.make(.postgres)
        try PostgresConnection(url: try #require(f.ownerURL)).execute("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)")
        let error = await #expect(throws: StoreError.self) { try await f.store.migrate(now: f.now) }
        #expect("\(String(describing: error))".contains("run `studioloop migrate` with the owner's database URL"))
    }

    @Test func rolesAreMadeAndGrantedByName() async throws {
        let f = try await StoreFixture.make(.postgres)
        let owner = Store(database: try PostgresDatabase(url: try #require(f.ownerURL), connections: 1))
        let role = "t_app_" + UUID().uuidString.prefix(8).lowercased()
        await #expect(throws: StoreError.self) { try await owner.grantServing(to: role, create: false) }
        try await owner.grantServing(to: role, create: true)
        try await owner.grantServing(to: role, create: true)  // again: nothing to create, grants stand
        let served = Store(database: try PostgresDatabase(url: f.ownerURL!.replacingOccurrences(of: "//\(StoreKind.ownerRole)@", with: "//\(role)@"), connections: 1))
        let owning = try await served.owningRole(), unbound = try await served.unboundRole()
        #expect(owning == nil && unbound == nil)
        #expect(try await served.migrate(now: f.now).isEmpty)
        let gyms = try await served.database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT COUNT(*) AS n FROM tenants")[0]["n"].integer
        }
        #expect(gyms == 1)
        for bad in ["x; DROP TABLE bookings", "Robert", "1abc", ""] {
            await #expect(throws: StoreError.self, "\(bad)") { try await owner.grantServing(to: bad, create: true) }
        }
    }
}
