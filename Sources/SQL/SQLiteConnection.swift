import CSQLite
import Foundation

/// One SQLite connection: a busy timeout so writers from other processes wait instead of
/// failing, and every statement prepared once and kept.
public final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    // @unchecked: a connection is only used by one thread at a time (the pool hands it out).
    private var handle: OpaquePointer?
    private var statements = StatementCache<Prepared>()
    public let dialect = SQLDialect.sqlite

    private struct Prepared {
        let statement: OpaquePointer
        let columns: SQLColumns
    }

    public enum Access: Sendable {
        case readWrite, readOnly
    }

    /// Opens (creating, when read-write) the file at `path`. The caller sets its pragmas.
    /// - Parameter busyTimeoutMilliseconds: how long a statement waits for another
    ///   connection's write lock before it fails as busy.
    public init(path: String, access: Access = .readWrite, busyTimeoutMilliseconds: Int32 = 10_000) throws(SQLError) {
        // No SQLITE_OPEN_FULLMUTEX: a connection is only ever used by one thread at a time.
        let mode = access == .readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        guard sqlite3_open_v2(path, &handle, mode | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw .unavailable("\(path): \(message)")
        }
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    deinit {
        statements.removeAll { sqlite3_finalize($0.statement) }
        sqlite3_close_v2(handle)
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var writeProgress: Int { Int(sqlite3_total_changes(handle)) }
    public let isBroken = false

    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLValue]) throws(SQLError) -> [SQLRow] {
        let prepared = try prepare(sql)
        let statement = prepared.statement
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
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
        let columnCount = Int32(prepared.columns.names.count)
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                let failure = error(sql)
                // A statement that no longer prepares (its schema changed) is not kept.
                if case .schema = failure { statements.remove(sql) { sqlite3_finalize($0.statement) } }
                throw failure
            }
            rows.append(SQLRow(columns: prepared.columns, values: (0..<columnCount).map { column in
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

    public func execute(_ script: String) throws(SQLError) {
        guard sqlite3_exec(handle, script, nil, nil, nil) == SQLITE_OK else { throw error(script) }
    }

    /// Makes `name(x1, …, xn)` callable from SQL on this connection: a deterministic function of
    /// real numbers (a distance the application defines, so orders compare exactly).
    public func defineFunction(_ name: String, arguments: Int, _ function: @escaping @Sendable ([Double]) -> Double) throws(SQLError) {
        final class Box {
            let function: @Sendable ([Double]) -> Double
            init(_ function: @escaping @Sendable ([Double]) -> Double) { self.function = function }
        }
        let status = sqlite3_create_function_v2(
            handle, name, Int32(arguments), SQLITE_UTF8 | SQLITE_DETERMINISTIC, Unmanaged.passRetained(Box(function)).toOpaque(),
            { context, count, values in
                guard let values else { return }
                let box = Unmanaged<Box>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue()
                sqlite3_result_double(context, box.function((0..<Int(count)).map { sqlite3_value_double(values[$0]) }))
            },
            nil, nil, { box in box.map { Unmanaged<Box>.fromOpaque($0).release() } }
        )
        guard status == SQLITE_OK else { throw error("function \(name)") }
    }

    /// The kept statement for `sql`, prepared on first use (with `$n` read as `?n`).
    private func prepare(_ sql: String) throws(SQLError) -> Prepared {
        if let kept = statements[sql] { return kept }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, Self.sqliteParameters(sql), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else { throw error(sql) }
        let columns = SQLColumns(
            names: (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) },
            table: SQLColumns.mainTable(of: sql)
        )
        let prepared = Prepared(statement: statement, columns: columns)
        statements.insert(prepared, for: sql) { sqlite3_finalize($0.statement) }
        return prepared
    }

    private func error(_ sql: String) -> SQLError {
        let message = String(cString: sqlite3_errmsg(handle))
        let extended = sqlite3_extended_errcode(handle)
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY: a row that already exists.
        if extended == 2067 || extended == 1555 { return .conflict(message) }
        switch extended & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(message)
        case SQLITE_FULL: return .unavailable("the disk is full: \(message)")
        case SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY: return .unavailable(message)
        default:
            if message.hasPrefix("no such column: ") {
                let column = message.dropFirst(16).split(separator: ".").last.map(String.init) ?? "?"
                return .schema(table: SQLColumns.mainTable(of: sql), column: column, problem: "does not exist")
            }
            return .database("\(message) in: \(sql.prefix(120))")
        }
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
