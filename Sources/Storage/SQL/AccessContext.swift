public import SQL

/// Whom a transaction acts for. On PostgreSQL it is entered per transaction, signed
/// (`app_enter`, `ContextKey`), and row-level security lets
/// the transaction see and change only that tenant's and that user's rows, even if a query
/// forgets its filter; a transaction that enters none, or one it cannot sign, sees nothing
/// private. SQLite has one
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
    public func setContext(_ context: AccessContext) throws(SQLError) {
        guard dialect == .postgres else { return }
        let (tenant, user, system): (String, String, String) =
            switch context {
            case .system: ("", "", "on")
            case .member(let user): ("", user, "off")
            case .tenant(let tenant, let user): (tenant, user ?? "", "off")
            }
        let signature = (self as? SigningConnection)?.signature(tenant: tenant, user: user, system: system) ?? ""
        try query("SELECT app_enter($1, $2, $3, $4)", .text(tenant), .text(user), .text(system), .text(signature))
    }
}
