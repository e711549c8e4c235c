import CSQLite
import Geo

enum SQLiteValue {
    case int(Int), real(Double), text(String), null
}

/// A bare SQLite connection for the benchmark: prepared statements stepped by hand, nothing
/// between the engine and the timing.
final class SQLiteHandle {
    let handle: OpaquePointer

    init(path: String, readOnly: Bool) throws {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
            sqlite3_close(db)
            throw BenchError("sqlite: cannot open \(path)")
        }
        handle = db
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            defer { sqlite3_free(message) }
            throw BenchError("sqlite: \(message.map { String(cString: $0) } ?? "error")")
        }
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("sqlite: \(String(cString: sqlite3_errmsg(handle))) in \(sql)")
        }
        return SQLiteStatement(statement: statement, db: handle)
    }

    /// `distance_km(lat1, lng1, lat2, lng2)`: the index's great-circle distance.
    func registerDistance() {
        sqlite3_create_function_v2(
            handle, "distance_km", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, arguments in
                guard let arguments else { return }
                let v = (0..<4).map { sqlite3_value_double(arguments[$0]) }
                let km = GreatCircle.distanceKm(Coordinate(latitude: v[0], longitude: v[1]), Coordinate(latitude: v[2], longitude: v[3]))
                sqlite3_result_double(context, km)
            }, nil, nil, nil
        )
    }
}

final class SQLiteStatement {
    let statement: OpaquePointer
    let db: OpaquePointer

    init(statement: OpaquePointer, db: OpaquePointer) {
        self.statement = statement
        self.db = db
    }

    deinit { sqlite3_finalize(statement) }

    func run(_ values: SQLiteValue...) throws {
        _ = try rows(values) { _ in () }
    }

    /// Binds `values` as ?1, ?2, … (those the statement does not use are skipped) and reads each row.
    func rows<T>(_ values: [SQLiteValue], _ read: (SQLiteStatement) -> T) throws -> [T] {
        sqlite3_reset(statement)
        let count = Int(sqlite3_bind_parameter_count(statement))
        for (i, value) in values.enumerated() where i < count {
            let index = Int32(i + 1)
            switch value {
            case .int(let v): sqlite3_bind_int64(statement, index, Int64(v))
            case .real(let v): sqlite3_bind_double(statement, index, v)
            case .text(let v): sqlite3_bind_text(statement, index, v, -1, studioloop_sqlite_transient())
            case .null: sqlite3_bind_null(statement, index)
            }
        }
        var out: [T] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { return out }
            guard step == SQLITE_ROW else { throw BenchError("sqlite: \(String(cString: sqlite3_errmsg(db)))") }
            out.append(read(self))
        }
    }

    func text(_ column: Int32) -> String { String(cString: sqlite3_column_text(statement, column)) }
}
