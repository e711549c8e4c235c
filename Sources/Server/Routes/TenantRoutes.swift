import Datasets
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
    struct GymPage: Encodable, Sendable {
        var id: String
        var name: String
        var slug: String
        var address: Address
        var location: Location
        var timezone: String
        var marketplaceEnabled: Bool
        var classes: [ClassView]
    }

    struct ClassView: Encodable, Sendable {
        var id: String
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
            let parameters = request.uri.queryParameters
            guard let near = parameters["near"] else { throw APIError.validation("near=lat,lng is required") }
            let parts = near.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2 else { throw APIError.validation("near must be lat,lng (got '\(near)')") }
            let origin = Coordinate(latitude: parts[0], longitude: parts[1])
            guard origin.isValid else { throw APIError.validation("near: latitude must be within [-90, 90] and longitude within [-180, 180]") }
            let radius = try parameters["radius_km"].map { text in
                guard let r = Double(text), r > 0, r <= SearchQuery.maxRadiusKm else {
                    throw APIError.validation("radius_km must be greater than 0 and at most \(Int(SearchQuery.maxRadiusKm)) (got '\(text)')")
                }
                return r
            } ?? SearchQuery.defaultRadiusKm
            let limit = try parameters["limit"].map { text in
                guard let n = Int(text), (1...SearchQuery.maxLimit).contains(n) else {
                    throw APIError.validation("limit must be between 1 and \(SearchQuery.maxLimit) (got '\(text)')")
                }
                return n
            } ?? 20
            return Reply(GymList(tenants: services.index.gyms(near: origin, radiusKm: radius, limit: limit)))
        }
        api.get("tenants/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            guard let gym = try await services.store.tenant(slug: slug), gym.tenant.isActive else {
                throw APIError.notFound("no gym with slug '\(slug)'")
            }
            return Reply(page(gym))
        }
        api.get("tenants/{slug}/classes") { _, context in
            let slug = try context.parameters.require("slug")
            guard let gym = try await services.store.tenant(slug: slug), gym.tenant.isActive else {
                throw APIError.notFound("no gym with slug '\(slug)'")
            }
            return Reply(["classes": page(gym).classes])
        }
    }

    private func page(_ gym: StoredGym) -> GymPage {
        let t = gym.tenant
        return GymPage(
            id: t.id, name: t.name, slug: t.slug, address: t.address, location: t.location, timezone: t.timezone,
            marketplaceEnabled: t.marketplaceEnabled,
            classes: gym.classes.filter(\.isActive).map {
                ClassView(
                    id: $0.id, name: $0.name, description: $0.description, classType: $0.classType, difficultyLevel: $0.difficultyLevel,
                    durationMinutes: $0.durationMinutes, maxCapacity: $0.maxCapacity, creditsRequired: $0.creditsRequired,
                    equipmentNeeded: $0.equipmentNeeded, weeklySlots: $0.weeklySlots
                )
            }
        )
    }
}
