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

    /// What `--database` or DATABASE_URL name, or the embedded default.
    var location: String {
        database ?? ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultSQLitePath
    }

    var isPostgres: Bool { location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") }

    /// Opens the database; a SQLite file's folder is created if needed. PostgreSQL signs its
    /// transactions' context with `STUDIOLOOP_CONTEXT_KEY` when it is set (a role that owns the
    /// schema reads the database's own key instead).
    func open() throws -> any Database {
        if isPostgres { return try PostgresDatabase(url: location, contextKey: try Self.configuredContextKey()) }
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

    /// Where the store is, for messages: never a password.
    var displayName: String {
        guard isPostgres, let url = URLComponents(string: location) else { return location }
        var shown = url
        if shown.password != nil { shown.password = "•••" }
        return shown.string ?? "PostgreSQL"
    }
}
