import Datasets
import Foundation
import SQL
public import Storage

/// The stores every store and server suite runs against: both, always. PostgreSQL is the
/// throwaway cluster `scripts/test` starts (STUDIOLOOP_TEST_POSTGRES_URL); without it the
/// PostgreSQL cases fail, they do not skip.
public enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    public var description: String { rawValue }

    public static var postgresURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["STUDIOLOOP_TEST_POSTGRES_URL"], !url.isEmpty else {
                throw StoreError.invalid("STUDIOLOOP_TEST_POSTGRES_URL is not set: run the tests with scripts/test")
            }
            return url
        }
    }

    /// The application's plain role, to which row-level security applies.
    public static var appRole: String { ProcessInfo.processInfo.environment["STUDIOLOOP_TEST_POSTGRES_APP_ROLE"] ?? "studioloop_app" }

    /// The role that owns the schema and migrates it, as production runs it.
    public static var ownerRole: String { ProcessInfo.processInfo.environment["STUDIOLOOP_TEST_POSTGRES_OWNER_ROLE"] ?? "studioloop_owner" }

    /// The context key the tests' databases are migrated with and their servers sign with
    /// (`STUDIOLOOP_CONTEXT_KEY`, which `scripts/with-postgres` sets, or a fixed one).
    public static var contextKey: ContextKey {
        ContextKey(ProcessInfo.processInfo.environment["STUDIOLOOP_CONTEXT_KEY"] ?? "studioloop test context key, 32 bytes or more")!
    }

    /// A new, empty database on the test cluster, owned by the application's role, one per
    /// fixture so tests run in parallel; its URL logs in as that role.
    public static func freshPostgresDatabase() throws -> String {
        try freshPostgresDatabase(ownedBy: appRole)
    }

    /// A new database on the test cluster as production has it: migrated by the owner role,
    /// served by the application's role with grants alone (`Store.grantServing`), so every
    /// store and server test shows those grants suffice. Returns the application's URL and the
    /// owner's (for what only an owner may do, such as drifting the schema on purpose).
    public static func servingPostgresDatabase() async throws -> (url: String, ownerURL: String) {
        let ownerURL = try freshPostgresDatabase(ownedBy: ownerRole)
        let owner = Store(database: try PostgresDatabase(url: ownerURL, connections: 1, contextKey: contextKey))
        try await owner.migrate(now: ISO8601.parse("2026-11-25T08:00:00Z")!)
        try await owner.grantServing(to: appRole, create: false)
        return (ownerURL.replacingOccurrences(of: "//\(ownerRole)@", with: "//\(appRole)@"), ownerURL)
    }

    private static func freshPostgresDatabase(ownedBy role: String) throws -> String {
        let admin = try postgresURL
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresConnection(url: admin).query("CREATE DATABASE \(name) OWNER \(role)")
        var url = admin
        url.replaceSubrange(url.range(of: "/postgres", options: .backwards)!, with: "/\(name)")
        url.replaceSubrange(url.range(of: "//postgres@")!, with: "//\(role)@")
        return url
    }

    /// A new database of this kind: an empty temporary SQLite file, or a database on the test
    /// cluster migrated by its owner and served by the application's role (its URLs returned
    /// too, for listeners, second servers and owner-only steps).
    public func openFresh(connections: Int = 4) async throws -> (database: any Database, postgresURL: String?, ownerURL: String?) {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appending(path: "sl-\(UUID().uuidString).sqlite").path
            return (try SQLiteDatabase(path: path), nil, nil)
        case .postgres:
            let (url, ownerURL) = try await Self.servingPostgresDatabase()
            return (try PostgresDatabase(url: url, connections: connections, contextKey: Self.contextKey), url, ownerURL)
        }
    }
}
