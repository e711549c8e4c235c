/// A database connection that runs parameterized SQL, nothing else: the store speaks
/// PostgreSQL-style placeholders (`$1`, `$2`, …) and each connection translates as needed.
/// Statements with parameters are prepared once per connection and kept.
public protocol SQLConnection {
    var dialect: SQLDialect { get }
    /// Runs one statement; returns its rows (empty for statements without results).
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(SQLError) -> [SQLRow]
    /// How many rows the last statement changed.
    var changes: Int { get }
    /// Moves when the connection shows the store takes writes again: rows changed on SQLite
    /// (whose outages are a full or failing disk), any statement that succeeds on PostgreSQL
    /// (whose outages are of the connection).
    var writeProgress: Int { get }
    /// The connection was lost (a server restart, a network cut): it must be replaced.
    var isBroken: Bool { get }
    /// Runs a script of statements without parameters (a schema, a load's settings) as it is.
    func execute(_ script: String) throws(SQLError)
}

public enum SQLDialect: Sendable {
    case sqlite, postgres
}

extension SQLConnection {
    @discardableResult
    public func query(_ sql: String, _ parameters: SQLValue...) throws(SQLError) -> [SQLRow] {
        try query(sql, parameters)
    }

    /// The one row a statement must return (an aggregate, an `UPDATE … RETURNING` of a row known
    /// to exist).
    public func one(_ sql: String, _ parameters: SQLValue...) throws(SQLError) -> SQLRow {
        guard let row = try query(sql, parameters).first else {
            throw .schema(table: SQLColumns.mainTable(of: sql), column: "*", problem: "returned no row where one was expected")
        }
        return row
    }
}
