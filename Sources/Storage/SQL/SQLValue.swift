/// A value bound to or read from SQL. Times are integer UTC seconds and money integer cents,
/// so the same schema means the same thing in SQLite and PostgreSQL.
public enum SQLValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
    public var text: String? { if case .text(let v) = self { v } else { nil } }
    public var real: Double? {
        switch self {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }
    public var isNull: Bool { self == .null }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    public init(_ value: Int64?) { self = value.map(SQLValue.integer) ?? .null }
    public init(_ value: Bool) { self = .integer(value ? 1 : 0) }
    public init(_ value: Double) { self = .real(value) }
}

/// One result row, by column name.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public subscript(_ name: String) -> SQLValue {
        guard let i = columns.firstIndex(of: name) else { return .null }
        return values[i]
    }
}

/// A database connection that runs parameterized SQL, nothing else: the store speaks
/// PostgreSQL-style placeholders (`$1`, `$2`, …) and each connection translates as needed.
public protocol SQLConnection {
    var dialect: SQLDialect { get }
    /// Runs one statement; returns its rows (empty for statements without results).
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow]
    /// How many rows the last statement changed.
    var changes: Int { get }
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
}

extension SQLConnection {
    @discardableResult
    public func query(_ sql: String, _ parameters: SQLValue...) throws(StoreError) -> [SQLRow] {
        try query(sql, parameters)
    }
}
