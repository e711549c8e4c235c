import ArgumentParser
import Foundation
import Storage

/// Where the bookings live: a SQLite file (the embedded default) or a PostgreSQL URL.
struct StoreOptions: ParsableArguments {
    static let defaultSQLitePath = ".studioloop/studioloop.sqlite"

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL URL (postgres://user@host/db) or a SQLite file (default: $DATABASE_URL, else \(defaultSQLitePath)).",
            valueName: "url|file"
        )
    )
    var database: String?

    @Option(
        help: ArgumentHelp(
            "A direct PostgreSQL URL to hear other servers' changes on (LISTEN), when --database goes through a transaction-mode pooler such as PgBouncer, which does not keep the session LISTEN needs (env STUDIOLOOP_LISTEN_DATABASE_URL; default: --database).",
            valueName: "url"
        )
    )
    var listenDatabase: String?

    @Flag(
        help: ArgumentHelp(
            "Send every statement with its parameters rather than preparing it once per connection: for a transaction-mode pooler (PgBouncer before 1.21), which hands each transaction a different server connection (env STUDIOLOOP_PREPARED_STATEMENTS=off)."
        )
    )
    var noPreparedStatements = false

    /// What `--database` or DATABASE_URL name, or the embedded default.
    var location: String {
        database ?? ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultSQLitePath
    }

    var isPostgres: Bool { location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") }

    /// Where a server LISTENs for other servers' changes: nil on SQLite.
    var listenLocation: String? {
        guard isPostgres else { return nil }
        return listenDatabase ?? ProcessInfo.processInfo.environment["STUDIOLOOP_LISTEN_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? location
    }

    private var preparesStatements: Bool {
        !noPreparedStatements && ProcessInfo.processInfo.environment["STUDIOLOOP_PREPARED_STATEMENTS"]?.lowercased() != "off"
    }

    /// Opens the database; a SQLite file's folder is created if needed. PostgreSQL signs its
    /// transactions' context with `STUDIOLOOP_CONTEXT_KEY` when it is set (a role that owns the
    /// schema reads the database's own key instead).
    func open() throws -> any Database {
        if isPostgres {
            return try PostgresDatabase(url: location, contextKey: try Self.configuredContextKey(), preparesStatements: preparesStatements)
        }
        let folder = URL(filePath: location).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try SQLiteDatabase(path: location)
    }

    /// `STUDIOLOOP_CONTEXT_KEY`, when set: 32 to 64 bytes.
    static func configuredContextKey() throws -> ContextKey? {
        guard let value = ProcessInfo.processInfo.environment["STUDIOLOOP_CONTEXT_KEY"], !value.isEmpty else { return nil }
        guard let key = ContextKey(value) else {
            throw ValidationError("STUDIOLOOP_CONTEXT_KEY must be 32 to 64 bytes (e.g. `openssl rand -hex 32`)")
        }
        return key
    }

    /// Where the store is, for messages: never a password, whether in the credentials or as a
    /// `password=` parameter (a multi-host URL, `postgres://u:p@h1:5432,h2:5432/db`, is no URL
    /// Foundation parses, so it is cut by hand).
    var displayName: String {
        guard isPostgres else { return location }
        var shown = location
        if let scheme = shown.range(of: "://"), let at = shown[scheme.upperBound...].firstIndex(of: "@"),
            let colon = shown[scheme.upperBound..<at].firstIndex(of: ":")
        {
            shown = String(shown[..<colon]) + ":•••" + String(shown[at...])
        }
        if let password = shown.range(of: #"(?<=[?&])password=[^&]*"#, options: .regularExpression) {
            shown.replaceSubrange(password, with: "password=•••")
        }
        return shown
    }
}
