import Booking
public import Datasets
public import Domain
import Foundation
public import Storage

/// A fresh, migrated store with one gym, one class of 10 spots at 2 credits, and its sessions
/// over the next week, all open.
public struct StoreFixture: Sendable {
    public let store: Store
    public let tenant: Tenant
    public let sessions: [String]
    /// The PostgreSQL database's URL, for listeners; nil on SQLite.
    public let postgresURL: String?
    /// The URL of the PostgreSQL role that owns the schema: the store serves without owning it.
    public let ownerURL: String?
    public let dataset: Dataset
    public let now: Int64 = ISO8601.parse("2026-11-25T08:00:00Z")!

    public static func make(_ kind: StoreKind, tier: SubscriptionTier = .growth, marketplace: Bool = true) async throws -> StoreFixture {
        let (database, postgresURL, ownerURL) = try await kind.openFresh()
        let store = Store(database: database)
        let now = ISO8601.parse("2026-11-25T08:00:00Z")!
        try await store.migrate(now: now)
        let tenant = Tenant(
            id: UUID().uuidString.lowercased(), name: "Baobab Yoga Shala", slug: "baobab-\(UUID().uuidString.prefix(6))",
            email: "hello@baobab.example", phone: "+27 11 000 0000",
            address: Address(street: "1 Main Road", suburb: "Melville", city: "Johannesburg", province: "Gauteng", postalCode: "2092", country: "South Africa"),
            location: Location(lat: -26.17, lng: 28.0), timezone: "Africa/Johannesburg", subscriptionTier: tier,
            marketplaceEnabled: marketplace, status: .active, placeId: 993800
        )
        let instructor = User(id: UUID().uuidString.lowercased(), tenantId: tenant.id, email: "coach-\(UUID().uuidString.prefix(6))@baobab.example",
                              firstName: "Thabo", lastName: "Mokoena", phone: "", role: .instructor)
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
        return StoreFixture(store: store, tenant: tenant, sessions: ids, postgresURL: postgresURL, ownerURL: ownerURL, dataset: dataset)
    }

    /// A member with `credits` credits at the fixture's gym (and `universal` marketplace credits).
    public func member(_ name: String, credits: Int, universal: Int = 0) async throws -> String {
        let id = try await store.accounts.createMember(email: "\(name)-\(UUID().uuidString.prefix(8))@example.com", firstName: name, lastName: "Test", now: now)
        if credits > 0 { try await store.ledger.grantCredits(member: id, tenant: tenant.id, credits: credits, now: now) }
        if universal > 0 {
            try await store.ledger.grantCredits(member: id, tenant: nil, credits: universal, payment: Money(cents: Int64(universal) * 5_000, currency: "ZAR"), now: now)
        }
        return id
    }
}
