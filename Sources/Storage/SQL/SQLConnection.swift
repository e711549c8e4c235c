/// A database connection that runs parameterized SQL, nothing else: the store speaks
/// PostgreSQL-style placeholders (`$1`, `$2`, …) and each connection translates as needed.
/// Statements with parameters are prepared once per connection and kept.
public protocol SQLConnection {
    var dialect: SQLDialect { get }
    /// Runs one statement; returns its rows (empty for statements without results).
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow]
    /// How many rows the last statement changed.
    var changes: Int { get }
    /// Moves when the connection shows the store takes writes again: rows changed on SQLite
    /// (whose outages are a full or failing disk), any statement that succeeds on PostgreSQL
    /// (whose outages are of the connection).
    var writeProgress: Int { get }
    /// The connection was lost (a server restart, a network cut): it must be replaced.
    var isBroken: Bool { get }
}

public enum SQLDialect: Sendable {
    case sqlite, postgres
}

/// Whom a transaction acts for. On PostgreSQL it is set per transaction
/// (`app.current_tenant_id`, `app.current_user_id`, `app.system`) and row-level security lets
/// the transaction see and change only that tenant's and that user's rows, even if a query
/// forgets its filter; a transaction that sets none sees nothing private. SQLite has one
/// embedded user and no row-level security: the application's own checks are what hold there.
public enum AccessContext: Equatable, Sendable {
    /// The store's own bookkeeping: imports, jobs, ledger reads, promotions.
    case system
    /// A member acting on their own rows.
    case member(String)
    /// A gym's staff, or a member acting at one gym (booking there).
    case tenant(String, user: String?)
}

extension SQLConnection {
    /// Sets whom the rest of this transaction acts for (PostgreSQL; nothing on SQLite).
    public func setContext(_ context: AccessContext) throws(StoreError) {
        guard dialect == .postgres else { return }
        let (tenant, user, system): (String, String, String) =
            switch context {
            case .system: ("", "", "on")
            case .member(let user): ("", user, "off")
            case .tenant(let tenant, let user): (tenant, user ?? "", "off")
            }
        try query(
            "SELECT set_config('app.current_tenant_id', $1, true), set_config('app.current_user_id', $2, true), set_config('app.system', $3, true)",
            .text(tenant), .text(user), .text(system)
        )
    }

    @discardableResult
    public func query(_ sql: String, _ parameters: SQLValue...) throws(StoreError) -> [SQLRow] {
        try query(sql, parameters)
    }

    /// The one row a statement must return (an aggregate, an `UPDATE … RETURNING` of a row known
    /// to exist).
    public func one(_ sql: String, _ parameters: SQLValue...) throws(StoreError) -> SQLRow {
        guard let row = try query(sql, parameters).first else {
            throw .schema(table: SQLColumns.mainTable(of: sql), column: "*", problem: "returned no row where one was expected")
        }
        return row
    }
}
