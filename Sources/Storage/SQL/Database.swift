import Foundation
public import SQL
import Synchronization

/// Where the store's transactions run. Each transaction has one connection to itself, runs off
/// the caller's thread (database calls block), commits when its body returns and rolls back
/// when it throws, so a failed booking writes nothing. A transaction that meets a deadlock, a
/// serialization failure, a busy SQLite file or a dropped connection before it committed is run
/// again (its body must therefore touch nothing but the connection); past `RetryPolicy`'s
/// attempts it throws, and the API answers 503.
public protocol Database: Sendable {
    var dialect: SQLDialect { get }
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T
    /// Why the store last could not take a transaction, until one shows it can again; nil
    /// while it is well. What `/ready` reports.
    var outage: String? { get }
}

/// How often, and how far apart, a transaction that met a passing conflict is tried again.
public struct RetryPolicy: Sendable {
    public var attempts: Int
    public var firstDelay: Duration
    public var maxDelay: Duration

    public static let standard = RetryPolicy(attempts: 6, firstDelay: .milliseconds(2), maxDelay: .milliseconds(200))

    public init(attempts: Int, firstDelay: Duration, maxDelay: Duration) {
        precondition(attempts >= 1)
        self.attempts = attempts
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// Exponential, with full jitter, so transactions that collided do not collide again.
    func delay(beforeAttempt attempt: Int) -> Duration {
        let ceiling = min(maxDelay, firstDelay * (1 << min(attempt, 16)))
        return ceiling * Double.random(in: 0.5...1)
    }
}

/// Runs transactions on a connection pool: begins, runs the body, commits; retries what is safe
/// to retry; tracks whether the store is reachable.
final class TransactionRunner: Sendable {
    /// What the transaction's body is handed: the connection, given what `begin` returned.
    typealias Entry = @Sendable (any SQLConnection, [SQLRow]) -> any SQLConnection

    let pool: ConnectionPool
    let begin: String
    let retry: RetryPolicy
    private let enter: Entry
    private let lastOutage = Mutex<String?>(nil)

    init(pool: ConnectionPool, begin: String, retry: RetryPolicy, enter: @escaping Entry = { db, _ in db }) {
        self.pool = pool
        self.begin = begin
        self.retry = retry
        self.enter = enter
    }

    var outage: String? { lastOutage.withLock { $0 } }

    /// A failure before anything committed, so the transaction can run again.
    private struct Retryable: Error {
        var error: SQLError
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                let (result, wrote) = try await pool.withConnection { [begin, enter] db in try Self.once(db, begin: begin, enter: enter, body) }
                if wrote { lastOutage.withLock { $0 = nil } }
                return result
            } catch let failure as Retryable {
                guard attempt < retry.attempts else { throw noted(failure.error) }
                try await Task.sleep(for: retry.delay(beforeAttempt: attempt))
                attempt += 1
            } catch {
                throw noted(error)
            }
        }
    }

    /// The error as the store reports it, remembered when it is an outage.
    private func noted(_ error: any Error) -> any Error {
        let reported = (error as? SQLError).map(StoreError.init) ?? error
        if case StoreError.unavailable(let why) = reported { lastOutage.withLock { $0 = why } }
        return reported
    }

    /// One attempt. Returns the body's result and whether the connection showed the store takes
    /// writes (which ends an outage).
    private static func once<T>(_ db: any SQLConnection, begin: String, enter: Entry, _ body: (any SQLConnection) throws -> T) throws -> (T, Bool) {
        let progress = db.writeProgress
        let begun: [SQLRow]
        do { begun = try db.query(begin) } catch { throw retryable(error, on: db) ?? error }
        let result: T
        do {
            result = try body(enter(db, begun))
        } catch {
            if !db.isBroken { _ = try? db.query("ROLLBACK") }
            throw retryable(error, on: db) ?? error
        }
        do {
            try db.query("COMMIT")
        } catch {
            // Refused at commit (a serialization failure, a busy file): nothing was written.
            guard case .busy = error else { throw error }
            if !db.isBroken { _ = try? db.query("ROLLBACK") }
            throw Retryable(error: error)
        }
        // A connection lost during COMMIT leaves the outcome unknown: that is not retried here
        // (the error reaches the client as a 503, and an idempotent request may be sent again).
        return (result, db.writeProgress != progress)
    }

    /// The error as a retryable failure, when nothing can have been committed: a passing
    /// conflict, or the connection lost before COMMIT (the server rolls such a transaction back).
    private static func retryable(_ error: any Error, on db: any SQLConnection) -> Retryable? {
        switch error as? SQLError {
        case .busy(let why)?: Retryable(error: .busy(why))
        case .unavailable(let why)? where db.isBroken: Retryable(error: .unavailable(why))
        default: nil
        }
    }
}

/// The embedded default: one SQLite file. Transactions run one at a time on one connection
/// (SQLite has a single writer anyway) and begin IMMEDIATE, taking the write lock up front, so
/// other processes sharing the file wait (busy timeout) rather than interleave.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialect.sqlite
    private let runner: TransactionRunner

    /// - Parameter busyTimeoutMilliseconds: how long a statement waits for another process's
    ///   write lock before the transaction counts as busy (and is retried).
    public init(path: String, retry: RetryPolicy = .standard, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        let pool = try StoreError.reporting { () throws(SQLError) in
            try ConnectionPool(size: 1) { () throws(SQLError) in
                let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
                try connection.execute("PRAGMA journal_mode = WAL")
                try connection.execute("PRAGMA synchronous = NORMAL")  // durable across process crashes in WAL mode
                try connection.execute("PRAGMA foreign_keys = ON")
                return connection
            }
        }
        runner = TransactionRunner(pool: pool, begin: "BEGIN IMMEDIATE", retry: retry)
    }

    @discardableResult
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await runner.transaction(body)
    }

    public var outage: String? { runner.outage }

    /// One transaction with foreign keys unenforced, for SQLite's table rebuild (make the new
    /// table, copy, drop the old, rename): the pragma only changes outside a transaction. The
    /// keys are checked in full before it commits, and enforced again after.
    func rebuildingTables(_ body: @escaping @Sendable (any SQLConnection) throws -> Void) async throws {
        try await runner.pool.withConnection { db in
            try StoreError.reporting { () throws(SQLError) in
                try db.execute("PRAGMA foreign_keys = OFF")
                defer { try? db.execute("PRAGMA foreign_keys = ON") }
                try db.execute("BEGIN IMMEDIATE")
                do {
                    try body(db)
                    if let orphan = try db.query("PRAGMA foreign_key_check").first {
                        throw SQLError.database("the rebuild left rows of \(orphan["table"].text ?? "?") without their parent")
                    }
                    try db.execute("COMMIT")
                } catch {
                    try? db.execute("ROLLBACK")
                    throw (error as? SQLError) ?? .database("\(error)")
                }
            }
        }
    }
}

/// PostgreSQL through libpq: a pool of connections, each transaction on a connection of its
/// own under READ COMMITTED with the rows it decides on locked. Connections the server dropped
/// are replaced, so the store recovers by itself when PostgreSQL is back. Each transaction's
/// access context is signed with the context key (`ContextKey`), so row-level security believes it.
public final class PostgresDatabase: Database {
    public let dialect = SQLDialect.postgres
    private let runner: TransactionRunner
    private let key: ContextKeySlot

    /// - Parameters:
    ///   - url: `postgresql://user:password@host:port/database`, from configuration.
    ///   - contextKey: the database's context key (`STUDIOLOOP_CONTEXT_KEY`). A role that owns
    ///     the schema reads it from the database when migrating instead; a role serving by
    ///     grants without it sees nothing private.
    ///   - preparesStatements: false behind a transaction-mode pooler, where a statement
    ///     prepared in one transaction is gone in the next.
    ///   - stallLimit: once every connection has waited this long on the server, transactions
    ///     fail at once as unavailable rather than queue behind them.
    public init(
        url: String, connections: Int = 4, retry: RetryPolicy = .standard, contextKey: ContextKey? = nil, preparesStatements: Bool = true,
        stallLimit: Duration = .seconds(5)
    ) throws {
        let pool = try StoreError.reporting { () throws(SQLError) in
            try ConnectionPool(size: connections, stallLimit: stallLimit) { () throws(SQLError) in
                try PostgresConnection(url: url, preparesStatements: preparesStatements)
            }
        }
        let key = ContextKeySlot(contextKey)
        runner = TransactionRunner(pool: pool, begin: ContextKey.beginStatement, retry: retry) { db, begun in
            SigningConnection(base: db, key: key.value, begun: begun)
        }
        self.key = key
    }

    /// The key transactions are signed with: the configured one, or the database's, once the
    /// schema's owner has migrated (`Store.settleContextKey`).
    public internal(set) var contextKey: ContextKey? {
        get { key.value }
        set { key.value = newValue }
    }

    @discardableResult
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await runner.transaction(body)
    }

    public var outage: String? { runner.outage }
}
