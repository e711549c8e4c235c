import Datasets
import Domain
import Geo
import Hummingbird
import Marketplace
import Storage

/// Marketplace discovery of gyms, and one gym's public page.
struct TenantRoutes {
    let services: ServerServices

    struct GymList: Encodable, Sendable {
        var tenants: [NearbyGym]
    }

    /// What anyone may read about a gym: no staff, no member data.
    /// The seed's `Tenant` as the public sees it: its contacts are the business's own.
    struct GymPage: Encodable, Sendable {
        var id: String
        var name: String
        var slug: String
        var email: String
        var phone: String
        var address: Address
        var location: Location
        var timezone: String
        var subscriptionTier: SubscriptionTier
        var marketplaceEnabled: Bool
        var status: TenantStatus
        /// The gym's booking rules (the seed's `TenantSettings`).
        var settings: GymSettingsRoutes.SettingsView
        var classes: [ClassView]
        /// After a change of time zone: what moving its timetable did.
        var timetableChange: GymAdminRoutes.ClassUpdated?
    }

    /// The seed's `Class`, with its weekly timetable.
    struct ClassView: Encodable, Sendable {
        var id: String
        var tenantId: String
        var instructorId: String?
        var isActive: Bool
        var name: String
        var description: String
        var classType: ClassType
        var difficultyLevel: Difficulty
        var durationMinutes: Int
        var maxCapacity: Int
        var creditsRequired: Int
        var equipmentNeeded: [String]
        var weeklySlots: [WeeklySlot]
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("tenants") { request, _ in
            let nearby = try NearbyParameters(request)
            return Reply(GymList(tenants: services.index.gyms(near: nearby.origin, radiusKm: nearby.radiusKm, limit: nearby.limit)))
        }
        api.get("tenants/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            guard let gym = try await services.store.catalog.tenant(slug: slug), gym.tenant.isActive else {
                throw APIError.notFound("no gym with slug '\(slug)'")
            }
            return Reply(try await page(gym))
        }
        api.get("tenants/{slug}/classes") { _, context in
            let slug = try context.parameters.require("slug")
            guard let gym = try await services.store.catalog.tenant(slug: slug), gym.tenant.isActive else {
                throw APIError.notFound("no gym with slug '\(slug)'")
            }
            return Reply(["classes": Self.classes(of: gym)])
        }
    }

    func page(_ gym: StoredGym) async throws -> GymPage {
        let t = gym.tenant
        let settings = try await services.store.catalog.settings(tenant: t.id)
        return GymPage(
            id: t.id, name: t.name, slug: t.slug, email: t.email, phone: t.phone, address: t.address, location: t.location, timezone: t.timezone,
            subscriptionTier: t.subscriptionTier, marketplaceEnabled: t.marketplaceEnabled, status: t.status,
            settings: .init(settings, defaultCutoffSeconds: services.store.bookings.promotionCutoffSeconds),
            classes: Self.classes(of: gym)
        )
    }

    /// A gym's active classes, as its page lists them.
    static func classes(of gym: StoredGym) -> [ClassView] {
        gym.classes.filter(\.isActive).map {
            ClassView(
                id: $0.id, tenantId: $0.tenantId, instructorId: $0.instructorId.isEmpty ? nil : $0.instructorId, isActive: $0.isActive,
                name: $0.name, description: $0.description, classType: $0.classType, difficultyLevel: $0.difficultyLevel,
                durationMinutes: $0.durationMinutes, maxCapacity: $0.maxCapacity, creditsRequired: $0.creditsRequired,
                equipmentNeeded: $0.equipmentNeeded, weeklySlots: $0.weeklySlots
            )
        }
    }
}
