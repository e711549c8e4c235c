/// Least privilege on PostgreSQL: the role that migrates owns the tables; the server serves as
/// another role holding only what it needs — reading and writing rows, its sequences and
/// functions — with no ownership, no DDL and no TRUNCATE, so SQL injected into one of its
/// transactions can neither empty a table (row-level security does not apply to TRUNCATE) nor
/// switch row-level security off (only a table's owner may `ALTER TABLE`).
extension Store {
    /// Grants `role` what serving needs on this database's tables, sequences and functions, now
    /// and for those later migrations create (default privileges of the migrating role).
    /// Creates the role first (LOGIN NOSUPERUSER NOBYPASSRLS, no password: set one, or trust
    /// the network, as the deployment does) when `create` is set and it does not exist; that
    /// needs CREATEROLE. PostgreSQL only.
    public func grantServing(to role: String, create: Bool) async throws {
        guard database.dialect == .postgres else { throw StoreError.invalid("roles are PostgreSQL's: a SQLite file has none") }
        guard Self.isPlainIdentifier(role) else {
            throw StoreError.invalid("a role name is lower-case letters, digits and underscores, starting with a letter (got '\(role)')")
        }
        try await database.transaction { db in
            let exists = !(try db.query("SELECT 1 FROM pg_roles WHERE rolname = $1", .text(role)).isEmpty)
            if !exists {
                guard create else { throw StoreError.notFound("no database role '\(role)': create it, or pass --create-roles") }
                try db.query("CREATE ROLE \(role) LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
            }
            let database = try db.query("SELECT current_database() AS name")[0]["name"].text!
            for statement in [
                "GRANT CONNECT, TEMPORARY ON DATABASE \"\(database)\" TO \(role)",
                "GRANT USAGE ON SCHEMA public TO \(role)",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role)",
                "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO \(role)",
                "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO \(role)",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(role)",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO \(role)",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO \(role)",
                // Which migrations ran is the owner's to say: the server only reads it.
                "REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM \(role)",
            ] {
                try db.query(statement)
            }
        }
    }

    /// The role the store connects as, when it owns any of the schema's tables: then injected
    /// SQL could TRUNCATE them or switch their row-level security off. Nil on SQLite and for a
    /// role that serves by grants alone.
    public func owningRole() async throws -> String? {
        guard database.dialect == .postgres else { return nil }
        return try await database.transaction { db in
            let owned = try db.query(
                "SELECT current_user AS role, COUNT(*) AS tables FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
            )
            guard let row = owned.first, (row["tables"].integer ?? 0) > 0 else { return nil }
            return row["role"].text
        }
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), name.utf8.count <= 63 else { return false }
        return name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
    }
}
