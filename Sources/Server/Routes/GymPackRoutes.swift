import Booking
import Datasets
import Foundation
import Hummingbird
import Storage

/// A gym's own credit packs, which its owner or admins define and members buy through the same
/// checkout as the platform's, and the credits an owner grants.
struct GymPackRoutes {
    let services: ServerServices

    struct NewPack: Decodable {
        var name: String
        var credits: Int
        var priceCents: Int64
        var validityDays: Int?
        /// A monthly plan, bought with POST /payments/subscriptions.
        var recurring: Bool?
    }

    /// `validity_days: null` makes the credits last until spent; leaving it out keeps it.
    struct PackPatch: Decodable {
        var name: String?
        var credits: Int?
        var priceCents: Int64?
        var validityDays: Int??
        var isActive: Bool?

        enum CodingKeys: String, CodingKey { case name, credits, priceCents, validityDays, isActive }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            credits = try c.decodeIfPresent(Int.self, forKey: .credits)
            priceCents = try c.decodeIfPresent(Int64.self, forKey: .priceCents)
            isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
            validityDays = try c.decodePatch(Int.self, forKey: .validityDays)
        }
    }

    struct NewGrant: Decodable {
        var userId: String
        var credits: Int
        var reason: String
        var validityDays: Int?
    }

    struct PackView: Encodable, Sendable {
        var id: String
        var tenantId: String
        var name: String
        var credits: Int
        var priceCents: Int64
        var currency: String
        var validityDays: Int?
        var isActive: Bool
        var recurring: Bool
    }

    struct GrantView: Encodable, Sendable {
        var grantId: String
        var userId: String
        var credits: Int
        var reason: String
        var grantedBy: String
        var createdAt: String
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("tenants/{slug}/credit-packages") { request, context in
            let tenant = try await services.tenantId(context)
            let all = request.uri.queryParameters.get("include_inactive") == "true"
            if all {
                // Inactive packs are the gym's business: its managers only.
                let user = try context.requireUser()
                guard try await services.store.staff.roles(of: user)[tenant]?.canManage == true else {
                    throw APIError.forbidden("only the gym's owner or admins see its inactive packs")
                }
            }
            let packs = try await services.store.packages.list(tenant: tenant, includeInactive: all)
            return Reply(["packages": packs.map(Self.view)])
        }
        api.post("tenants/{slug}/credit-packages") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(NewPack.self, context: context)
            let name = try CleanText.check(body.name, "name", 1...80)
            guard let gym = try await services.store.catalog.gymCommerce(tenant) else { throw APIError.notFound("no such gym") }
            let pack = try await services.store.packages.create(
                tenant: tenant, by: user, name: name, credits: body.credits,
                price: Money(cents: body.priceCents, currency: services.currency(of: gym)), validityDays: body.validityDays,
                recurring: body.recurring ?? false, now: services.clock.now()
            )
            return Reply(Self.view(pack), status: .created)
        }
        api.patch("tenants/{slug}/credit-packages/{id}") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(PackPatch.self, context: context)
            var changes = CreditPackageChanges(credits: body.credits, priceCents: body.priceCents, validityDays: body.validityDays, isActive: body.isActive)
            if let name = body.name { changes.name = try CleanText.check(name, "name", 1...80) }
            let pack = try await services.store.packages.update(
                id: try context.parameters.require("id"), tenant: tenant, by: user, changes: changes, now: services.clock.now()
            )
            return Reply(Self.view(pack))
        }
        api.post("tenants/{slug}/credit-grants") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(NewGrant.self, context: context)
            let reason = try CleanText.check(body.reason, "reason", 1...200)
            let grant = try await services.store.payments.grantCredits(
                tenant: tenant, member: body.userId, by: user, credits: body.credits, reason: reason, validityDays: body.validityDays,
                now: services.clock.now()
            )
            return Reply(
                GrantView(
                    grantId: grant.grantId, userId: grant.userId, credits: grant.credits, reason: grant.reason, grantedBy: grant.grantedBy,
                    createdAt: ISO8601.format(grant.createdAt)
                ), status: .created
            )
        }
    }

    static func view(_ pack: CreditPackage) -> PackView {
        PackView(
            id: pack.id, tenantId: pack.tenantId, name: pack.name, credits: pack.credits, priceCents: pack.price.cents,
            currency: pack.price.currency, validityDays: pack.validityDays, isActive: pack.isActive, recurring: pack.recurring
        )
    }
}
