import CSQLite
import Foundation

/// One SQLite connection: WAL journal, foreign keys on, a busy timeout so writers from other
/// processes wait instead of failing.
public final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    // @unchecked: a connection is only used by the one worker thread that owns it.
    private var handle: OpaquePointer?
    public let dialect = SQLDialect.sqlite

    public init(path: String) throws(StoreError) {
        // SQLITE_OPEN_FULLMUTEX is not needed: a connection is only ever used by one thread at a time.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw .database("\(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 10_000)
        try query("PRAGMA journal_mode = WAL")
        try query("PRAGMA synchronous = NORMAL")  // durable across process crashes in WAL mode
        try query("PRAGMA foreign_keys = ON")
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }

    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow] {
        var statement: OpaquePointer?
        let translated = Self.sqliteParameters(sql)
        guard sqlite3_prepare_v2(handle, translated, -1, &statement, nil) == SQLITE_OK else { throw error(sql) }
        defer { sqlite3_finalize(statement) }
        for (i, value) in parameters.enumerated() {
            let index = Int32(i + 1)
            let status: Int32 =
                switch value {
                case .null: sqlite3_bind_null(statement, index)
                case .integer(let v): sqlite3_bind_int64(statement, index, v)
                case .real(let v): sqlite3_bind_double(statement, index, v)
                case .text(let v): sqlite3_bind_text(statement, index, v, -1, studioloop_sqlite_transient())
                }
            guard status == SQLITE_OK else { throw error(sql) }
        }
        var rows: [SQLRow] = []
        let columnCount = sqlite3_column_count(statement)
        let columns = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) }
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                if step == SQLITE_BUSY { throw .busy(String(cString: sqlite3_errmsg(handle))) }
                throw error(sql)
            }
            rows.append(SQLRow(columns: columns, values: (0..<columnCount).map { column in
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
                case SQLITE_FLOAT: .real(sqlite3_column_double(statement, column))
                case SQLITE_NULL: .null
                default: .text(String(cString: sqlite3_column_text(statement, column)))
                }
            }))
        }
        return rows
    }

    private func error(_ sql: String) -> StoreError {
        let message = String(cString: sqlite3_errmsg(handle))
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY: a row that already exists.
        if [2067, 1555].contains(sqlite3_extended_errcode(handle)) { return .conflict(message) }
        return .database("\(message) in: \(sql.prefix(120))")
    }

    /// `$1` → `?1`: SQLite numbers `$NAME` parameters by first appearance, not by the digits.
    static func sqliteParameters(_ sql: String) -> String {
        var out = ""
        var inString = false
        for c in sql {
            if c == "'" { inString.toggle() }
            out.append(!inString && c == "$" ? "?" : c)
        }
        return out
    }
}
