import Booking
import Datasets
import Domain
import Foundation
import Hummingbird
import Storage

/// A gym changing itself after opening: its name, contacts, address and location (the index
/// follows), time zone, marketplace opt-in, and its own booking rules.
struct GymSettingsRoutes {
    let services: ServerServices

    /// The seed's `TenantSettings`: a gym's booking rules. `null` returns one to the platform's
    /// default, leaving it out keeps it.
    struct SettingsPatch: Decodable {
        var bookingWindowHours: Int??
        var cancellationWindowHours: Int??
        var waitlistCutoffMinutes: Int??
        var lateCancelPolicy: String?
        var noShowLimit: Int??
        var noShowBlockDays: Int??

        enum CodingKeys: String, CodingKey {
            case bookingWindowHours, cancellationWindowHours, waitlistCutoffMinutes, lateCancelPolicy, noShowLimit, noShowBlockDays
        }

        init(
            bookingWindowHours: Int??, cancellationWindowHours: Int??, waitlistCutoffMinutes: Int??, lateCancelPolicy: String?, noShowLimit: Int??,
            noShowBlockDays: Int??
        ) {
            self.bookingWindowHours = bookingWindowHours
            self.cancellationWindowHours = cancellationWindowHours
            self.waitlistCutoffMinutes = waitlistCutoffMinutes
            self.lateCancelPolicy = lateCancelPolicy
            self.noShowLimit = noShowLimit
            self.noShowBlockDays = noShowBlockDays
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            bookingWindowHours = try c.decodePatch(Int.self, forKey: .bookingWindowHours)
            cancellationWindowHours = try c.decodePatch(Int.self, forKey: .cancellationWindowHours)
            waitlistCutoffMinutes = try c.decodePatch(Int.self, forKey: .waitlistCutoffMinutes)
            lateCancelPolicy = try c.decodeIfPresent(String.self, forKey: .lateCancelPolicy)
            noShowLimit = try c.decodePatch(Int.self, forKey: .noShowLimit)
            noShowBlockDays = try c.decodePatch(Int.self, forKey: .noShowBlockDays)
        }
    }

    struct GymPatch: Decodable {
        var name: String?
        var email: String?
        var phone: String?
        var address: Address?
        var location: Location?
        var timezone: String?
        var marketplaceEnabled: Bool?
        var settings: SettingsPatch?
    }

    /// The seed's `TenantSettings` as they stand, defaults filled in.
    struct SettingsView: Encodable, Sendable {
        var bookingWindowHours: Int
        var cancellationWindowHours: Int
        var waitlistCutoffMinutes: Int
        var lateCancelPolicy: LateCancelPolicy
        var noShowLimit: Int?
        var noShowBlockDays: Int

        init(_ s: GymSettings, defaultCutoffSeconds: Int64) {
            bookingWindowHours = s.bookingWindowHours ?? SessionSchedule.bookingWindowHours
            cancellationWindowHours = s.cancellationWindowHours ?? SessionSchedule.cancellationWindowHours
            waitlistCutoffMinutes = s.waitlistCutoffMinutes ?? Int(defaultCutoffSeconds / 60)
            lateCancelPolicy = s.lateCancelPolicy
            noShowLimit = s.noShowLimit
            noShowBlockDays = s.noShowBlockDays ?? GymPolicy.defaultNoShowBlockDays
        }
    }

    func register(on api: RouterGroup<AppContext>) {
        api.patch("tenants/{slug}") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let patch = try await request.json(GymPatch.self, context: context)
            let now = services.clock.now()
            let change = try await services.store.catalog.updateGym(
                tenant: tenant, staff: user, changes: try changes(patch), until: now + Int64(services.horizonDays) * 86_400, now: now
            )
            guard let gym = try await services.store.catalog.gyms(from: 0, to: 0, tenant: tenant).first else { throw APIError.notFound("gym not found") }
            var page = try await TenantRoutes(services: services).page(gym)
            if patch.timezone != nil {
                page.timetableChange = .init(
                    id: tenant, sessionsAdded: change.sessionsAdded, sessionsRemoved: change.sessionsRemoved,
                    bookedSessionsKept: change.bookedSessionsKept, bookedSessionsCancelled: change.bookedSessionsCancelled
                )
            }
            return Reply(page)
        }
    }

    func changes(_ patch: GymPatch) throws -> GymChanges {
        typealias Check = GymAdminRoutes
        var changes = GymChanges()
        if let name = patch.name { changes.name = try Check.text(name, "name", 2...120) }
        if let email = patch.email { changes.email = try AuthRoutes.checkedEmail(email) }
        if let phone = patch.phone { changes.phone = try Check.text(phone, "phone", 5...30) }
        if let address = patch.address { changes.address = try Check.address(address) }
        if let location = patch.location {
            changes.location = try Check.location(location)
            changes.placeId = services.nearestPlace(location)
        }
        if let zone = patch.timezone { changes.timezone = try Check.timezone(zone) }
        changes.marketplaceEnabled = patch.marketplaceEnabled
        if let s = patch.settings {
            changes.bookingWindowHours = try s.bookingWindowHours.map { try $0.map { try Check.number($0, "settings.booking_window_hours", 1...2_160) } }
            changes.cancellationWindowHours = try s.cancellationWindowHours.map { try $0.map { try Check.number($0, "settings.cancellation_window_hours", 0...336) } }
            changes.waitlistCutoffMinutes = try s.waitlistCutoffMinutes.map { try $0.map { try Check.number($0, "settings.waitlist_cutoff_minutes", 0...2_880) } }
            if let policy = s.lateCancelPolicy {
                guard let p = LateCancelPolicy(rawValue: policy) else {
                    throw APIError.validation("settings.late_cancel_policy must be forfeit or refund (got '\(policy)')")
                }
                changes.lateCancelPolicy = p
            }
            changes.noShowLimit = try s.noShowLimit.map { try $0.map { try Check.number($0, "settings.no_show_limit", 1...50) } }
            changes.noShowBlockDays = try s.noShowBlockDays.map { try $0.map { try Check.number($0, "settings.no_show_block_days", 1...365) } }
        }
        return changes
    }
}
