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
        let owner = Store(database: try PostgresDatabase(url: try #require(f.ownerURL), connections: 1, contextKey: StoreKind.contextKey))
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
        let owner = Store(database: try PostgresDatabase(url: try #require(f.ownerURL), connections: 1, contextKey: StoreKind.contextKey))
        let role = "t_app_" + UUID().uuidString.prefix(8).lowercased()
        await #expect(throws: StoreError.self) { try await owner.grantServing(to: role, create: false) }
        try await owner.grantServing(to: role, create: true)
        try await owner.grantServing(to: role, create: true)  // again: nothing to create, grants stand
        let served = Store(database: try PostgresDatabase(url: f.ownerURL!.replacingOccurrences(of: "//\(StoreKind.ownerRole)@", with: "//\(role)@"), connections: 1, contextKey: StoreKind.contextKey))
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

    /// Injected SQL can set any of the context's settings, but not sign them: a member's
    /// transaction that claims the store's bookkeeping, another member or a gym sees and changes
    /// nothing more than before; a signature read in one transaction does not work in the next.
    @Test func theContextCannotBeClaimedBySettingIt() async throws {
        let f = try await StoreFixture.make(.postgres)
        let (alice, bob) = (try await f.member("alice", credits: 3), try await f.member("bob", credits: 5))
        _ = try await f.store.bookings.book(member: bob, sessionId: f.sessions[1], marketplace: false, now: f.now)
        let db = f.store.database
        @Sendable func count(_ table: String, on db: any SQLConnection) throws -> Int64 {
            try db.one("SELECT COUNT(*) AS n FROM \(table)")["n"].integer ?? -1
        }
        // The store's own bookkeeping sees the ledger and every member's credits.
        let (postings, credits) = try await db.transaction { db in
            try db.setContext(.system)
            return (try count("ledger_postings", on: db), try count("member_credits", on: db))
        }
        #expect(postings > 0 && credits == 2)
        let claims = [
            "SELECT set_config('app.system', 'on', true)",
            "SELECT set_config('app.current_user_id', '\(bob)', true)",
            "SELECT set_config('app.current_tenant_id', '\(f.tenant.id)', true)",
            "SELECT set_config('app.context_mac', '', true), set_config('app.system', 'on', true)",
        ]
        for claim in claims {
            let seen = try await db.transaction { db in
                try db.setContext(.member(alice))
                try db.query(claim)
                return (
                    postings: try count("ledger_postings", on: db), credits: try count("member_credits", on: db),
                    bookings: try count("bookings", on: db), system: try db.one("SELECT CASE WHEN app_system() THEN 1 ELSE 0 END AS s").bool("s")
                )
            }
            #expect(seen.postings == 0 && seen.credits == 0 && seen.bookings == 0 && !seen.system, "\(claim): \(seen)")
            // Nor can it write as what it claimed: make itself the gym's owner, post to the
            // gym's payable, or take another member's credits.
            await #expect(throws: StoreError.self, "\(claim) then a role") {
                try await db.transaction { db in
                    try db.setContext(.member(alice))
                    try db.query(claim)
                    try db.query("INSERT INTO user_tenant_roles (user_id, tenant_id, role) VALUES ($1, $2, 'owner')", .text(alice), .text(f.tenant.id))
                }
            }
            let taken = try await db.transaction { db in
                try db.setContext(.member(alice))
                try db.query(claim)
                try db.query("UPDATE member_credits SET user_id = $1 WHERE user_id = $2", .text(alice), .text(bob))
                return db.changes
            }
            #expect(taken == 0, "\(claim) moved credits")
        }
        // A signature made for the bookkeeping, carried into a later transaction, is refused.
        let stolen = try await db.transaction { db in
            try db.setContext(.system)
            return try db.one("SELECT current_setting('app.context_mac') AS mac").text("mac")
        }
        let replayed = try await db.transaction { db in
            try db.setContext(.member(alice))
            try db.query(
                "SELECT set_config('app.current_user_id', '', true), set_config('app.system', 'on', true), set_config('app.context_mac', $1, true)",
                .text(stolen)
            )
            return (try count("ledger_postings", on: db), try db.one("SELECT CASE WHEN app_system() THEN 1 ELSE 0 END AS s").bool("s"))
        }
        #expect(replayed.0 == 0 && !replayed.1)
    }

    /// The key is the owner's: the serving role reads none of it and cannot write one of its
    /// own; a store opened without it (or with another) is believed in no context, and says so.
    @Test func theContextKeyIsTheOwnersAlone() async throws {
        let f = try await StoreFixture.make(.postgres)
        let url = try #require(f.postgresURL)
        let seen = try await f.store.database.transaction { db in
            try db.setContext(.system)
            return try db.one("SELECT COUNT(*) AS n FROM context_key")["n"].integer
        }
        #expect(seen == 0)
        for write in [
            "INSERT INTO context_key (id, inner_pad, outer_pad) VALUES (2, '\\x00', '\\x00')", "UPDATE context_key SET inner_pad = '\\x00'",
            "DELETE FROM context_key", "TRUNCATE context_key",
            "CREATE OR REPLACE FUNCTION app_context_valid() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
        ] {
            let changed: Int? = try? await f.store.database.transaction { db in
                try db.setContext(.system)
                try db.query(write)
                return db.changes
            }
            #expect(changed == nil || changed == 0, "\(write)")
        }
        #expect(try await f.store.signsItsContext())
        for key in [nil, ContextKey("another key entirely, of 32 bytes or more")] {
            let keyless = Store(database: try PostgresDatabase(url: url, connections: 1, contextKey: key))
            #expect(try await keyless.signsItsContext() == false)
            #expect(try await keyless.migrate(now: f.now).isEmpty)
            #expect(try await keyless.signsItsContext() == false)  // a serving role cannot adopt the owner's key
        }
        // The owner reads it back, and a configured key replaces it (a rotation).
        let owner = Store(database: try PostgresDatabase(url: try #require(f.ownerURL), connections: 1))
        try await owner.migrate(now: f.now)
        #expect(owner.contextKey == StoreKind.contextKey)
        let rotated = ContextKey.generate()
        try await Store(database: try PostgresDatabase(url: f.ownerURL!, connections: 1, contextKey: rotated)).migrate(now: f.now)
        #expect(try await f.store.signsItsContext() == false)
        #expect(try await Store(database: try PostgresDatabase(url: url, connections: 1, contextKey: rotated)).signsItsContext())
    }

    /// Every policy that reads the context checks its signature first, once per statement (an
    /// InitPlan), and reads what it claims only under that check.
    @Test func everyPolicyChecksTheSignatureOncePerStatement() async throws {
        let f = try await StoreFixture.make(.postgres)
        let policies = try PostgresConnection(url: try #require(f.ownerURL)).query(
            "SELECT tablename || '.' || policyname AS policy, coalesce(qual, '') AS used, coalesce(with_check, '') AS checked FROM pg_policies WHERE schemaname = 'public'"
        )
        #expect(policies.count > 40)
        for row in policies {
            for clause in [row["used"].text ?? "", row["checked"].text ?? ""] where clause.contains("app_") {
                #expect(clause.hasPrefix("(( SELECT app_context_valid() AS app_context_valid) AND "), "\(row["policy"].text ?? ""): \(clause)")
                #expect(clause.range(of: #"app_(system|tenant|user)\(\)"#, options: .regularExpression) == nil, "\(row["policy"].text ?? ""): \(clause)")
            }
        }
    }
}
