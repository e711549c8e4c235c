import Foundation
import SQL
import Storage
import Testing
import TestSupport

/// The typed SQL layer under the store: schema drift is an error naming the column, passing
/// conflicts are retried, a full disk is an outage the store recovers from.
@Suite struct SQLLayerTests {
    @Test(arguments: StoreKind.allCases)
    func aRenamedColumnIsAStoreErrorNamingIt(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        // Only the schema's owner may change it (on PostgreSQL the store serves without owning it).
        let rename = "ALTER TABLE class_schedules RENAME COLUMN available_spots TO spots_renamed"
        if let ownerURL = f.ownerURL {
            try PostgresConnection(url: ownerURL).execute(rename)
        } else {
            try await f.store.database.transaction { db in try db.query(rename) }
        }
        await #expect(throws: StoreError.schema(table: "class_schedules", column: "available_spots", problem: "does not exist")) {
            try await f.store.bookings.spotsLeft(sessionId: f.sessions[0])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aColumnOfTheWrongKindIsAStoreErrorNamingIt(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let error = await #expect(throws: StoreError.self) {
            try await f.store.database.transaction { db in
                try db.one("SELECT id, name FROM tenants WHERE id = $1", .text(f.tenant.id)).int64("name")
            }
        }
        guard case .schema(let table, let column, _)? = error else { Issue.record("not a schema error: \(String(describing: error))"); return }
        #expect(table == "tenants" && column == "name")
        await #expect(throws: StoreError.schema(table: "tenants", column: "missing", problem: "is not in the result")) {
            try await f.store.database.transaction { db in try db.one("SELECT id FROM tenants").text("missing") }
        }
    }

    /// Two transactions take the same two sessions' spots in opposite order: PostgreSQL aborts
    /// one as a deadlock, the store runs it again, and both commit.
    @Test func aDeadlockIsRetriedAndBothTransactionsCommit() async throws {
        let f = try await StoreFixture.make(.postgres)
        let (a, b) = (f.sessions[0], f.sessions[1])
        let attempts = Locked(0)
        let bothHoldOne = DispatchGroup()
        bothHoldOne.enter()
        bothHoldOne.enter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (first, second) in [(a, b), (b, a)] {
                group.addTask {
                    try await f.store.database.transaction { db in
                        let attempt = attempts.withLock { n in n += 1; return n }
                        try db.setContext(.system)
                        try db.query("UPDATE class_schedules SET available_spots = available_spots - 1 WHERE id = $1", .text(first))
                        // The first attempts wait until each holds its first row, so they must deadlock.
                        if attempt <= 2 {
                            bothHoldOne.leave()
                            bothHoldOne.wait()
                        }
                        try db.query("UPDATE class_schedules SET available_spots = available_spots - 1 WHERE id = $1", .text(second))
                    }
                }
            }
            try await group.waitForAll()
        }
        // At least one retry; on a loaded machine the retry can race the survivor for the row
        // it just freed and deadlock once more, which the store retries again.
        #expect(attempts.value >= 3)
        #expect(try await f.store.bookings.spotsLeft(sessionId: a) == 8)
        #expect(try await f.store.bookings.spotsLeft(sessionId: b) == 8)
    }

    /// Another process holds the SQLite file's write lock for longer than the busy timeout: the
    /// transaction that met SQLITE_BUSY runs again and commits once the lock is free.
    @Test func aBusySQLiteFileIsRetried() async throws {
        let path = FileManager.default.temporaryDirectory.appending(path: "sl-busy-\(UUID().uuidString).sqlite").path
        let holder = try SQLiteDatabase(path: path)
        let contender = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 20)
        try await holder.transaction { db in try db.query("CREATE TABLE marks (n INTEGER NOT NULL)") }
        // The holder keeps the lock for 100 ms from the moment the contender starts, however
        // slowly a loaded machine schedules either of them.
        let holding = DispatchSemaphore(value: 0), contending = DispatchSemaphore(value: 0)
        let held = Task {
            try await holder.transaction { db in
                try db.query("INSERT INTO marks VALUES (1)")
                holding.signal()
                contending.wait()
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { holding.wait(); continuation.resume() }
        }
        let started = ContinuousClock.now
        contending.signal()
        try await contender.transaction { db in try db.query("INSERT INTO marks VALUES (2)") }
        #expect(ContinuousClock.now - started >= .milliseconds(20), "the contender should have waited for the lock")
        try await held.value
        #expect(try await contender.transaction { db in try db.one("SELECT COUNT(*) AS n FROM marks").int("n") } == 2)
    }

    /// SQLite's "database or disk is full" is an outage (a 503 at the API, `/ready` not ready)
    /// that changes nothing, and ends with the first write that succeeds.
    @Test func aFullDiskIsAnOutageTheStoreRecoversFrom() async throws {
        let f = try await StoreFixture.make(.sqlite)
        let pages = try await f.store.database.transaction { db in try db.one("PRAGMA page_count").int("page_count") }
        try await f.store.database.transaction { db in try db.query("PRAGMA max_page_count = \(pages)") }
        var refused: StoreError?
        for n in 0..<500 where refused == nil {
            do { _ = try await f.member("filler-\(n)", credits: 5) } catch let error as StoreError { refused = error }
        }
        guard case .unavailable? = refused else { Issue.record("the disk never filled: \(String(describing: refused))"); return }
        #expect(f.store.database.outage != nil)
        try await f.store.database.transaction { db in try db.query("PRAGMA max_page_count = 1000000") }
        #expect(f.store.database.outage != nil, "a write that did not happen yet does not end the outage")
        _ = try await f.member("after", credits: 5)
        #expect(f.store.database.outage == nil)
        #expect(try await f.store.ledger.auditLedger().isClean)
    }

    /// What the benchmark's peers load and query with: COPY on PostgreSQL; a read-only SQLite
    /// connection with a function the application defines.
    @Test func copyAndApplicationFunctions() throws {
        let postgres = try PostgresConnection(url: try StoreKind.freshPostgresDatabase())
        try postgres.execute("CREATE TABLE points (id integer PRIMARY KEY, name text NOT NULL, lat float8 NOT NULL)")
        try postgres.copy("COPY points FROM STDIN", lines: (0..<20_000).lazy.map { "\($0)\tgym \($0)\t\(-26 - Double($0) / 1e5)" })
        let counted = try postgres.one("SELECT COUNT(*) AS n, MIN(lat) AS south FROM points WHERE name LIKE $1", .text("gym 1%"))
        #expect(try counted.int("n") == 11_111 && counted.double("south") < -26.19)
        #expect(throws: SQLError.self) { try postgres.copy("COPY points FROM STDIN", lines: ["1\tagain\t0"]) }  // a duplicate key

        let path = FileManager.default.temporaryDirectory.appending(path: "sql-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SQLiteConnection(path: path).execute("CREATE TABLE points (id INTEGER PRIMARY KEY, lat REAL); INSERT INTO points VALUES (1, -26.2), (2, -33.9);")
        let reader = try SQLiteConnection(path: path, access: .readOnly)
        try reader.defineFunction("twice", arguments: 1) { 2 * $0[0] }
        #expect(try reader.query("SELECT id, twice(lat) AS t FROM points ORDER BY t").map { try $0.int("id") } == [2, 1])
        #expect(throws: SQLError.self) { try reader.query("INSERT INTO points VALUES (3, 0)") }
    }

    /// Behind a transaction-mode pooler (PgBouncer) a statement prepared in one transaction is
    /// gone in the next: such a connection sends each statement with its parameters, and
    /// prepares nothing on the server.
    @Test func aPooledConnectionPreparesNothing() throws {
        let url = try StoreKind.freshPostgresDatabase()
        let pooled = try PostgresConnection(url: url, preparesStatements: false)
        try pooled.execute("CREATE TABLE points (id integer PRIMARY KEY, name text NOT NULL)")
        for id in 1...3 { try pooled.query("INSERT INTO points VALUES ($1, $2)", .integer(Int64(id)), .text("gym \(id)")) }
        #expect(try pooled.query("SELECT name FROM points WHERE id >= $1 ORDER BY id", .integer(2)).map { try $0.text("name") } == ["gym 2", "gym 3"])
        #expect(try pooled.one("SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE $1 = $1", .integer(1)).int("n") == 0)
        let kept = try PostgresConnection(url: url)
        _ = try kept.query("SELECT name FROM points WHERE id = $1", .integer(1))
        #expect(try kept.one("SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE $1 = $1", .integer(1)).int("n") >= 1)
    }

    /// A statement refused for want of the server (here a read-only transaction, as on a
    /// standby or an old primary after a failover) marks the connection for replacement: through
    /// a pooler the socket survives such a failure, but it leads nowhere useful.
    @Test func aConnectionThatReachedAReadOnlyServerIsReplaced() throws {
        let connection = try PostgresConnection(url: try StoreKind.freshPostgresDatabase())
        try connection.execute("CREATE TABLE notes (id integer PRIMARY KEY)")
        #expect(!connection.isBroken)
        try connection.execute("BEGIN READ ONLY")
        #expect(throws: SQLError.self) { try connection.query("INSERT INTO notes VALUES ($1)", .integer(1)) }
        #expect(connection.isBroken)
    }

    /// A store that holds every connection without answering (a pooler waiting for a server
    /// that is gone) fails new transactions at once as unavailable, rather than queueing them
    /// behind the stuck ones; once a connection comes back, transactions run again.
    @Test func aStalledStoreFailsFastInsteadOfQueueing() async throws {
        let database = try PostgresDatabase(url: try StoreKind.freshPostgresDatabase(), connections: 1, stallLimit: .milliseconds(400))
        let begun = Locked(false)
        let stuck = Task {
            try await database.transaction { db in
                begun.withLock { $0 = true }
                try db.query("SELECT pg_sleep(6)")
            }
        }
        while !begun.value { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(600))  // held past the limit
        let asked = ContinuousClock.now
        await #expect(throws: StoreError.self) { try await database.transaction { db in try db.query("SELECT 1") } }
        #expect(ContinuousClock.now - asked < .seconds(3), "failed at once, not after the stuck transaction (5 s more)")
        #expect(database.outage != nil)
        _ = try await stuck.value
        try await database.transaction { db in try db.query("SELECT 1") }
    }
}
