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

    /// A new, empty database on the test cluster, owned by the application's role, one per
    /// fixture so tests run in parallel; its URL logs in as that role.
    public static func freshPostgresDatabase() throws -> String {
        let admin = try postgresURL
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresConnection(url: admin).query("CREATE DATABASE \(name) OWNER \(appRole)")
        var url = admin
        url.replaceSubrange(url.range(of: "/postgres", options: .backwards)!, with: "/\(name)")
        url.replaceSubrange(url.range(of: "//postgres@")!, with: "//\(appRole)@")
        return url
    }

    /// A new, empty database of this kind: a temporary SQLite file, or a database on the test
    /// cluster (its URL returned too, for listeners and second servers).
    public func openFresh(connections: Int = 4) throws -> (database: any Database, postgresURL: String?) {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appending(path: "sl-\(UUID().uuidString).sqlite").path
            return (try SQLiteDatabase(path: path), nil)
        case .postgres:
            let url = try Self.freshPostgresDatabase()
            return (try PostgresDatabase(url: url, connections: connections), url)
        }
    }
}
