import Dispatch

/// Where the store's transactions run. Each transaction has one connection to itself, runs off
/// the caller's thread (database calls block), commits when its body returns and rolls back
/// when it throws, so a failed booking writes nothing.
public protocol Database: Sendable {
    var dialect: SQLDialect { get }
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T
}

/// The embedded default: one SQLite file. Transactions run one at a time on a dedicated queue
/// (SQLite has a single writer anyway) and begin IMMEDIATE, taking the write lock up front, so
/// other processes sharing the file wait (busy timeout) rather than interleave.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialect.sqlite
    private let queue = DispatchQueue(label: "studioloop.sqlite")
    private let connection: QueueConfined<SQLiteConnection>

    public init(path: String) throws {
        connection = QueueConfined(try SQLiteConnection(path: path))
    }

    @discardableResult
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [connection] in
                let db = connection.value
                do {
                    try db.query("BEGIN IMMEDIATE")
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

/// A value only ever touched on one serial queue. @unchecked: the queue, not the type system,
/// keeps it to one thread at a time.
final class QueueConfined<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
