import Dispatch
import Foundation
import Synchronization

/// Where the store's transactions run. Each transaction has one connection to itself, runs off
/// the caller's thread (database calls block), commits when its body returns and rolls back
/// when it throws, so a failed booking writes nothing.
public protocol Database: Sendable {
    var dialect: SQLDialect { get }
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T
}

/// A fixed set of worker threads, each owning one connection, taking transactions from a
/// shared queue: blocking database calls never run on the caller's executor, and the number of
/// connections (and threads) stays bounded however many requests wait. The threads end, and
/// close their connections, when the workers are released.
final class ConnectionWorkers: Sendable {
    typealias Job = @Sendable (any SQLConnection) -> Void

    /// The jobs waiting, shared with the threads (which must not keep the workers alive).
    final class JobQueue: Sendable {
        private let state = Mutex<(jobs: [Job], closed: Bool)>(([], false))
        private let ready = DispatchSemaphore(value: 0)

        func push(_ job: @escaping Job) {
            state.withLock { $0.jobs.append(job) }
            ready.signal()
        }

        /// The next job, waiting for one; nil once closed and drained.
        func next() -> Job? {
            while true {
                ready.wait()
                let (job, closed) = state.withLock { s -> (Job?, Bool) in
                    s.jobs.isEmpty ? (nil, s.closed) : (s.jobs.removeFirst(), false)
                }
                if let job { return job }
                if closed { return nil }
            }
        }

        func close(threads: Int) {
            state.withLock { $0.closed = true }
            for _ in 0..<threads { ready.signal() }
        }
    }

    private let queue = JobQueue()
    private let threads: Int

    /// Starts one thread per connection.
    init(connections: [any SQLConnection & Sendable]) {
        threads = connections.count
        for (n, connection) in connections.enumerated() {
            let thread = Thread { [queue] in
                while let job = queue.next() { job(connection) }
            }
            thread.name = "studioloop-db-\(n)"
            thread.start()
        }
    }

    deinit {
        queue.close(threads: threads)
    }

    /// Runs `body` in a transaction begun with `begin` on the next free connection.
    func transaction<T: Sendable>(
        begin: String, _ body: @escaping @Sendable (any SQLConnection) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.push { db in
                do {
                    try db.query(begin)
                    do {
                        let result = try body(db)
                        try db.query("COMMIT")
                        continuation.resume(returning: result)
                    } catch {
                        _ = try? db.query("ROLLBACK")
                        throw error
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// The embedded default: one SQLite file. Transactions run one at a time on one connection
/// (SQLite has a single writer anyway) and begin IMMEDIATE, taking the write lock up front, so
/// other processes sharing the file wait (busy timeout) rather than interleave.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialect.sqlite
    private let workers: ConnectionWorkers

    public init(path: String) throws {
        workers = ConnectionWorkers(connections: [try SQLiteConnection(path: path)])
    }

    @discardableResult
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await workers.transaction(begin: "BEGIN IMMEDIATE", body)
    }
}

/// PostgreSQL through libpq: a pool of connections, one per worker thread, each transaction
/// on a connection of its own under READ COMMITTED with the rows it decides on locked.
public final class PostgresDatabase: Database {
    public let dialect = SQLDialect.postgres
    private let workers: ConnectionWorkers

    /// - Parameter url: `postgresql://user:password@host:port/database`, from configuration.
    public init(url: String, connections: Int = 4) throws {
        precondition(connections >= 1)
        workers = ConnectionWorkers(connections: try (0..<connections).map { _ in try PostgresConnection(url: url) })
    }

    @discardableResult
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await workers.transaction(begin: "BEGIN", body)
    }
}
