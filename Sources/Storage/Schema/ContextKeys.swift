import Domain

/// The context key's place in the database (migration 24): its HMAC pads in `context_key`,
/// which only the schema's owner reads or writes.
extension Store {
    /// As the schema's owner: installs the key this store was opened with (the first, or a new
    /// one: a rotation), or else adopts the database's key, or else makes one. A role serving
    /// by grants cannot read the table and keeps the key it was given. Nothing on SQLite.
    func settleContextKey() async throws {
        guard let postgres = database as? PostgresDatabase else { return }
        let configured = postgres.contextKey
        let settled: ContextKey? = try await database.transaction { db in
            let owned = try db.query(
                "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'context_key' AND tableowner = current_user"
            )
            guard !owned.isEmpty else { return nil }
            let stored = try db.query("SELECT encode(inner_pad, 'hex') AS pad FROM context_key WHERE id = 1").first.flatMap { row in
                row["pad"].text.flatMap(Hex.bytes).flatMap(ContextKey.init(innerPad:))
            }
            if let stored, configured == nil || configured == stored { return stored }
            let key = configured ?? ContextKey.generate()
            try db.query(
                """
                INSERT INTO context_key (id, inner_pad, outer_pad) VALUES (1, decode($1, 'hex'), decode($2, 'hex'))
                ON CONFLICT (id) DO UPDATE SET inner_pad = EXCLUDED.inner_pad, outer_pad = EXCLUDED.outer_pad
                """,
                .text(Hex.string(key.innerPad)), .text(Hex.string(key.outerPad))
            )
            return key
        }
        if let settled { postgres.contextKey = settled }
    }

    /// The context key transactions are signed with: to print for servers that serve by
    /// grants (`studioloop migrate --print-context-key`). Nil on SQLite.
    public var contextKey: ContextKey? { (database as? PostgresDatabase)?.contextKey }

    /// Whether this store's transactions are believed when they act for the store's
    /// bookkeeping: false for a role serving by grants without the database's context key, which
    /// would see nothing it must. True on SQLite, which has no row-level security.
    public func signsItsContext() async throws -> Bool {
        guard database.dialect == .postgres else { return true }
        return try await database.transaction { db in
            try db.setContext(.system)
            return try db.one("SELECT CASE WHEN app_system() THEN 1 ELSE 0 END AS believed").bool("believed")
        }
    }
}
