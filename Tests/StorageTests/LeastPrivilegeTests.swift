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

    /// Injected SQL can claim any context — set the old settings, call `app_enter` with a made-up
    /// or borrowed signature, or write the context row itself — but a member's transaction that
    /// does so sees and changes nothing more than before.
    @Test func theContextCannotBeClaimedWithoutTheKey() async throws {
        let f = try await StoreFixture.make(.postgres)
        let (alice, bob) = (try await f.member("alice", credits: 3), try await f.member("bob", credits: 5))
        _ = try await f.store.bookings.book(member: bob, sessionId: f.sessions[1], marketplace: false, now: f.now)
        let db = f.store.database
        @Sendable func count(_ table: String, on db: any SQLConnection) throws -> Int64 {
            try db.one("SELECT COUNT(*) AS n FROM \(table)")["n"].integer ?? -1
        }
        @Sendable func system(on db: any SQLConnection) throws -> Bool {
            try db.one("SELECT CASE WHEN app_system() THEN 1 ELSE 0 END AS s").bool("s")
        }
        // The store's own bookkeeping sees the ledger and every member's credits.
        let (postings, credits) = try await db.transaction { db in
            try db.setContext(.system)
            return (try count("ledger_postings", on: db), try count("member_credits", on: db))
        }
        #expect(postings > 0 && credits == 2)
        // A signature for this very transaction, made with the key, is believed (the control);
        // one made for another backend or another start is not.
        let key = StoreKind.contextKey
        let (control, elsewhere, earlier) = try await db.transaction { db in
            try db.setContext(.member(alice))
            let here = try db.one("SELECT pg_backend_pid() AS b, (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint AS s")
            let (backend, started) = (here["b"].integer!, here["s"].integer!)
            func enter(_ signature: String) throws -> Bool {
                try db.one("SELECT CASE WHEN app_enter('', '', 'on', $1) THEN 1 ELSE 0 END AS ok", .text(signature)).bool("ok")
            }
            return (
                try enter(key.signature(backend: backend, started: started, tenant: "", user: "", system: "on")),
                try enter(key.signature(backend: backend + 1, started: started, tenant: "", user: "", system: "on")),
                try enter(key.signature(backend: backend, started: started - 1, tenant: "", user: "", system: "on"))
            )
        }
        #expect(control && !elsewhere && !earlier)
        let claims = [
            "SELECT set_config('app.system', 'on', true), set_config('app.current_user_id', '\(bob)', true)",
            "SELECT app_enter('', '', 'on', '')",
            "SELECT app_enter('', '\(bob)', 'off', repeat('0', 64))",
            "SELECT app_enter('\(f.tenant.id)', '', 'off', 'not a signature')",
            "UPDATE context_now SET system = true, user_id = '\(bob)'",
            "INSERT INTO context_now (backend, started, system) VALUES (pg_backend_pid(), transaction_timestamp(), true) ON CONFLICT (backend) DO UPDATE SET system = true",
            "DELETE FROM context_now",
        ]
        for claim in claims {
            let seen = try await db.transaction { db in
                try db.setContext(.member(alice))
                try db.query("SAVEPOINT claim")
                do { try db.query(claim) } catch { try db.query("ROLLBACK TO SAVEPOINT claim") }
                return (
                    postings: try count("ledger_postings", on: db), credits: try count("member_credits WHERE user_id <> '\(alice)'", on: db),
                    bookings: try count("bookings", on: db), system: try system(on: db)
                )
            }
            #expect(seen.postings == 0 && seen.credits == 0 && seen.bookings == 0 && !seen.system, "\(claim): \(seen)")
            // Nor can it write as what it claimed: make itself the gym's owner, or take another
            // member's credits.
            let wrote: String? = try await db.transaction { db -> String? in
                try db.setContext(.member(alice))
                try db.query("SAVEPOINT claim")
                do { try db.query(claim) } catch { try db.query("ROLLBACK TO SAVEPOINT claim") }
                try db.query("SAVEPOINT role_grant")
                do {
                    try db.query("INSERT INTO user_tenant_roles (user_id, tenant_id, role) VALUES ($1, $2, 'owner')", .text(alice), .text(f.tenant.id))
                    return "made itself owner"
                } catch {
                    try db.query("ROLLBACK TO SAVEPOINT role_grant")
                }
                try db.query("UPDATE member_credits SET user_id = $1 WHERE user_id = $2", .text(alice), .text(bob))
                return db.changes == 0 ? nil : "took credits"
            }
            #expect(wrote == nil, "\(claim): \(wrote ?? "")")
        }
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
            "DELETE FROM context_key", "TRUNCATE context_key", "TRUNCATE context_now",
            "CREATE OR REPLACE FUNCTION app_enter(text, text, text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
            "CREATE OR REPLACE FUNCTION app_system() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
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

    /// Every policy reads the context from this transaction's proven row, once per statement
    /// (an InitPlan), never from a setting.
    @Test func everyPolicyReadsTheProvenContext() async throws {
        let f = try await StoreFixture.make(.postgres)
        let policies = try PostgresConnection(url: try #require(f.ownerURL)).query(
            "SELECT tablename || '.' || policyname AS policy, coalesce(qual, '') || ' ' || coalesce(with_check, '') AS clauses FROM pg_policies WHERE schemaname = 'public'"
        )
        #expect(policies.count > 40)
        var reading = 0
        for row in policies {
            let clauses = row["clauses"].text ?? ""
            #expect(clauses.range(of: #"app_(system|tenant|user)\(\)|current_setting"#, options: .regularExpression) == nil, "\(row["policy"].text ?? ""): \(clauses)")
            if clauses.contains("context_now") { reading += 1 }
        }
        #expect(reading > 40)
    }
}
