import CMariaDB

/// A blocking connection to Sphinx's `searchd` over SphinxQL, the MySQL protocol, through
/// MariaDB's client library (as the PostGIS peer goes through libpq). SphinxQL has no
/// server-side prepared statements, so every query is sent as text.
final class SphinxQLConnection {
    private let handle: UnsafeMutablePointer<MYSQL>

    init(host: String, port: Int) throws {
        guard let handle = mysql_init(nil) else { throw BenchError("sphinx: the MySQL client could not start") }
        self.handle = handle
        guard mysql_real_connect(handle, host, "", "", nil, UInt32(port), nil, 0) != nil else {
            // deinit closes the handle: every stored property is set by now.
            throw BenchError("sphinx: cannot connect to searchd at \(host):\(port): \(String(cString: mysql_error(handle)))")
        }
    }

    deinit { mysql_close(handle) }

    /// The rows of `sql`, each column as text (nil for NULL).
    func query(_ sql: String) throws -> [[String?]] {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else {
            throw BenchError("sphinx: \(String(cString: mysql_error(handle))) in: \(sql)")
        }
        guard let result = mysql_store_result(handle) else {
            if mysql_field_count(handle) == 0 { return [] }  // a statement without rows
            throw BenchError("sphinx: \(String(cString: mysql_error(handle)))")
        }
        defer { mysql_free_result(result) }
        let columns = Int(mysql_num_fields(result))
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(mysql_num_rows(result)))
        while let row = mysql_fetch_row(result) {
            rows.append((0..<columns).map { row[$0].map { String(cString: $0) } })
        }
        return rows
    }

    /// The first column of every row as an integer (document ids, counts).
    func integers(_ sql: String) throws -> [Int] {
        try query(sql).map { row in
            guard let text = row.first ?? nil, let value = Int(text) else { throw BenchError("sphinx: not an integer in the answer to: \(sql)") }
            return value
        }
    }
}
