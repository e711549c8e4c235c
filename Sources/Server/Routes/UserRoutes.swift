import Foundation
import Booking
import Crypto
import Datasets
import Domain
import Hummingbird
import Notifications
import Storage

/// A member's own profile, credits and bookings. Another member's are as good as missing.
struct UserRoutes {
    let services: ServerServices

    struct ProfileUpdate: Decodable {
        var firstName: String?
        var lastName: String?
        var phone: String?
        /// Whether the gyms you book at may see your email and phone.
        var shareContactWithGyms: Bool?
    }

    struct BookingList: Encodable, Sendable {
        var bookings: [BookingJSON]
        /// Pass back as `updated_since` to fetch only what changed after this answer.
        var syncedAt: String
    }

    /// Credits per gym and universal, and the latest movements; times in ISO 8601 (UTC).
    struct StatementView: Encodable, Sendable {
        var balances: [Balance]
        var recent: [Movement]

        /// One credit account, with the seed's `MemberCredit` fields beside the app's own.
        struct Balance: Encodable, Sendable {
            /// A stable id of the account (the member and the gym, or universal).
            var id: String
            var userId: String
            /// Absent for universal marketplace credits.
            var tenantId: String?
            var tenantSlug: String?
            var universal: Bool
            var credits: Int
            var nextExpiry: String?
            var creditsBalance: Int
            var marketplaceCredits: Int
            var creditsTotalPurchased: Int
            var subscriptionPlan: String?
            var autoRenew: Bool
            var expiresAt: String?
            var createdAt: String
            var updatedAt: String
        }

        /// The same UUID for the same member and gym every time: the first 16 bytes of the
        /// SHA-256 of its ledger account's name, with the version-5-style bits set.
        static func accountId(member: String, tenant: String?) -> String {
            var bytes = Array(SHA256.hash(data: Data(LedgerAccount.memberCredits(member, tenant: tenant).name.utf8)).prefix(16))
            bytes[6] = (bytes[6] & 0x0F) | 0x50
            bytes[8] = (bytes[8] & 0x3F) | 0x80
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
            return parts.joined(separator: "-")
        }

        struct Movement: Encodable, Sendable {
            var transactionId: String
            var kind: String
            var tenantId: String?
            var credits: Int64
            var at: String
        }

        init(_ s: CreditStatement, member: String) {
            balances = s.balances.map {
                let expiry = $0.nextExpiry.map { ISO8601.format($0) }
                return Balance(
                    id: Self.accountId(member: member, tenant: $0.tenantId), userId: member, tenantId: $0.tenantId, tenantSlug: $0.tenantSlug,
                    universal: $0.tenantId == nil, credits: $0.credits, nextExpiry: expiry, creditsBalance: $0.credits,
                    marketplaceCredits: $0.tenantId == nil ? $0.credits : 0, creditsTotalPurchased: $0.totalPurchased,
                    subscriptionPlan: $0.renewingPlan, autoRenew: $0.renewingPlan != nil, expiresAt: expiry,
                    createdAt: ISO8601.format($0.createdAt), updatedAt: ISO8601.format(max($0.updatedAt, $0.createdAt))
                )
            }
            recent = s.recent.map {
                Movement(transactionId: $0.transactionId, kind: $0.kind, tenantId: $0.tenantId, credits: $0.credits, at: ISO8601.format($0.at))
            }
        }
    }

    /// The seed's `User`: `tenant_roles`, `preferences`, `status` and ISO times, beside the
    /// app's own fields (`roles` with each gym's slug, the verification flags).
    struct ProfileView: Encodable, Sendable {
        struct TenantRole: Encodable, Sendable {
            var tenantId: String
            var tenantSlug: String
            var role: StaffRole
            var status: String
        }
        var id: String
        var email: String?
        var firstName: String
        var lastName: String
        var phone: String
        var loginPhone: String?
        var emailVerified: Bool
        var phoneVerified: Bool
        var roles: [Account.Role]
        var tenantRoles: [TenantRole]
        var shareContactWithGyms: Bool
        var preferences: NotificationSettings
        var status: String
        var createdAt: String
        var updatedAt: String

        init(_ a: Account, preferences: NotificationSettings) {
            id = a.id
            email = a.email
            firstName = a.firstName
            lastName = a.lastName
            phone = a.phone
            loginPhone = a.loginPhone
            emailVerified = a.emailVerified
            phoneVerified = a.phoneVerified
            roles = a.roles
            tenantRoles = a.roles.map { TenantRole(tenantId: $0.tenantId, tenantSlug: $0.tenantSlug, role: $0.role, status: "active") }
            shareContactWithGyms = a.sharesContact
            self.preferences = preferences
            status = "active"
            createdAt = ISO8601.format(a.createdAt)
            updatedAt = ISO8601.format(a.updatedAt)
        }
    }

    struct NotificationUpdate: Decodable {
        var channel: NotificationChannelKind
        var optOuts: [String]?
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("users/notifications") { _, context in
            Reply(try await services.store.accounts.notificationSettings(member: try context.requireUser()))
        }
        api.put("users/notifications") { request, context in
            let user = try context.requireUser()
            let body = try await request.json(NotificationUpdate.self, context: context)
            return Reply(try await services.store.accounts.setNotificationSettings(
                member: user, NotificationSettings(channel: body.channel, optOuts: body.optOuts ?? [])
            ))
        }
        api.get("users/profile") { _, context in
            let user = try context.requireUser()
            return Reply(ProfileView(
                try await services.store.accounts.account(id: user), preferences: try await services.store.accounts.notificationSettings(member: user)
            ))
        }
        api.put("users/profile") { request, context in
            let user = try context.requireUser()
            let body = try await request.json(ProfileUpdate.self, context: context)
            let first = try body.firstName.map { try CleanText.check($0, "first_name", 1...100) }
            let last = try body.lastName.map { try CleanText.check($0, "last_name", 1...100) }
            if let phone = body.phone, phone.count > 30 || phone.contains(where: { !($0.isNumber || " +-()".contains($0)) }) {
                throw APIError.validation("phone must be a phone number such as +27 82 555 0101")
            }
            let account = try await services.store.accounts.updateProfile(
                id: user, firstName: first, lastName: last, phone: body.phone, sharesContact: body.shareContactWithGyms, now: services.clock.now()
            )
            return Reply(ProfileView(account, preferences: try await services.store.accounts.notificationSettings(member: user)))
        }
        api.get("users/{user_id}/credits") { _, context in
            let user = try Self.ownUser(context)
            return Reply(StatementView(try await services.store.ledger.creditStatement(member: user, now: services.clock.now()), member: user))
        }
        api.get("users/{user_id}/bookings") { request, context in
            let user = try Self.ownUser(context)
            var since: Int64?
            if let text = request.uri.queryParameters["updated_since"] {
                guard let value = ISO8601.parse(String(text)) else {
                    throw APIError.validation("updated_since must be an ISO 8601 time, such as an earlier answer's synced_at")
                }
                since = value
            }
            // Read the clock first: a change committed while the list is read shows up next time too.
            let now = services.clock.now()
            let bookings = try await services.store.bookings.bookings(of: user, updatedSince: since)
            let list = bookings.map { BookingJSON($0, qrCode: services.store.bookings.qrCode(for: $0)) }
            return Reply(BookingList(bookings: list, syncedAt: ISO8601.format(now)))
        }
    }

    /// The path's user, which must be the signed-in one ("me" works too).
    static func ownUser(_ context: AppContext) throws -> String {
        let user = try context.requireUser()
        let asked = try context.parameters.require("user_id")
        guard asked == user || asked == "me" else { throw APIError.notFound("user not found") }
        return user
    }
}
