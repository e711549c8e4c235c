import Booking
import Datasets
import Foundation
import Storage

/// The stores the shared suite runs against: both, always. PostgreSQL is the throwaway cluster
/// `scripts/test` starts (STUDIOLOOP_TEST_POSTGRES_URL); without it the PostgreSQL cases fail,
/// they do not skip.
enum StoreKind: String, CaseIterable, CustomStringConvertible {
    case sqlite, postgres
    var description: String { rawValue }

    static var postgresURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["STUDIOLOOP_TEST_POSTGRES_URL"], !url.isEmpty else {
                throw StoreError.invalid("STUDIOLOOP_TEST_POSTGRES_URL is not set: run the tests with scripts/test")
            }
            return url
        }
    }

    /// The application's plain role, to which row-level security applies.
    static var appRole: String { ProcessInfo.processInfo.environment["STUDIOLOOP_TEST_POSTGRES_APP_ROLE"] ?? "studioloop_app" }

    /// A new, empty database on the test cluster, owned by the application's role, one per
    /// fixture so tests run in parallel; its URL logs in as that role.
    static func freshPostgresDatabase() throws -> String {
        let admin = try postgresURL
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresConnection(url: admin).query("CREATE DATABASE \(name) OWNER \(appRole)")
        var url = admin
        url.replaceSubrange(url.range(of: "/postgres", options: .backwards)!, with: "/\(name)")
        url.replaceSubrange(url.range(of: "//postgres@")!, with: "//\(appRole)@")
        return url
    }
}

/// A fresh, migrated store with one gym, one class of 10 spots at 2 credits, and its sessions
/// over the next week, all open.
struct StoreFixture {
    let store: Store
    let tenant: Tenant
    let sessions: [String]
    /// The PostgreSQL database's URL, for listeners; nil on SQLite.
    let postgresURL: String?
    let dataset: Dataset
    let now: Int64 = ISO8601.parse("2026-11-25T08:00:00Z")!

    static func make(_ kind: StoreKind, tier: String = "growth", marketplace: Bool = true) async throws -> StoreFixture {
        let database: any Database
        var postgresURL: String?
        switch kind {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appending(path: "sl-store-\(UUID().uuidString).sqlite").path
            database = try SQLiteDatabase(path: path)
        case .postgres:
            postgresURL = try StoreKind.freshPostgresDatabase()
            database = try PostgresDatabase(url: postgresURL!, connections: 4)
        }
        let store = Store(database: database)
        let now = ISO8601.parse("2026-11-25T08:00:00Z")!
        try await store.migrate(now: now)
        let tenant = Tenant(
            id: UUID().uuidString.lowercased(), name: "Baobab Yoga Shala", slug: "baobab-\(UUID().uuidString.prefix(6))",
            email: "hello@baobab.example", phone: "+27 11 000 0000",
            address: Address(street: "1 Main Road", suburb: "Melville", city: "Johannesburg", province: "Gauteng", postalCode: "2092", country: "South Africa"),
            location: Location(lat: -26.17, lng: 28.0), timezone: "Africa/Johannesburg", subscriptionTier: tier,
            marketplaceEnabled: marketplace, status: "active", placeId: 993800
        )
        let instructor = User(id: UUID().uuidString.lowercased(), tenantId: tenant.id, email: "coach-\(UUID().uuidString.prefix(6))@baobab.example",
                              firstName: "Thabo", lastName: "Mokoena", phone: "", role: "instructor")
        // Every day at 18:00 local time.
        let fitnessClass = FitnessClass(
            id: UUID().uuidString.lowercased(), tenantId: tenant.id, name: "Vinyasa Flow", description: "Evening flow", classType: .yoga,
            instructorId: instructor.id, durationMinutes: 60, maxCapacity: 10, difficultyLevel: .allLevels, creditsRequired: 2,
            equipmentNeeded: ["mat"], isActive: true, weeklySlots: (1...7).map { WeeklySlot(weekday: $0, start: "18:00") }
        )
        let dataset = Dataset(
            manifest: DatasetManifest(format: DatasetGenerator.format, cities: ["johannesburg"], gyms: 1, seed: 1, generator: "test"),
            places: [], tenants: [tenant], classes: [fitnessClass], users: [instructor]
        )
        let summary = try await store.catalog.importDataset(dataset, from: now, to: now + 7 * 86_400, now: now)
        precondition(summary.sessions == 7)
        // Open every session fully, whatever the seed's hash said.
        let ids = try await store.database.transaction { db in
            try db.setContext(.system)
            try db.query("UPDATE class_schedules SET available_spots = capacity, status = 'scheduled'")
            return try db.query("SELECT id FROM class_schedules ORDER BY start_time").map { $0["id"].text! }
        }
        return StoreFixture(store: store, tenant: tenant, sessions: ids, postgresURL: postgresURL, dataset: dataset)
    }

    /// A member with `credits` credits at the fixture's gym (and `universal` marketplace credits).
    func member(_ name: String, credits: Int, universal: Int = 0) async throws -> String {
        let id = try await store.accounts.createMember(email: "\(name)-\(UUID().uuidString.prefix(8))@example.com", firstName: name, lastName: "Test", now: now)
        if credits > 0 { try await store.ledger.grantCredits(member: id, tenant: tenant.id, credits: credits, now: now) }
        if universal > 0 {
            try await store.ledger.grantCredits(member: id, tenant: nil, credits: universal, payment: Money(cents: Int64(universal) * 5_000, currency: "ZAR"), now: now)
        }
        return id
    }
}
