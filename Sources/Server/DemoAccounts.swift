import Booking
public import Domain
public import Storage

/// Accounts for trying the embedded default in the first minute: a member with credits, and
/// the owner and an instructor of one demo gym, which sells two credit packs of its own, and a
/// platform operator. Created once; their passwords are printed at
/// start-up and only exist in development mode.
public struct DemoAccount: Sendable, Equatable {
    public var role: StaffRole
    public var email: String
    public var password: String
    public var tenantSlug: String?
    /// A platform operator, who runs payouts (no gym's staff).
    public var isOperator = false

    /// How the start-up line names it.
    public var label: String { isOperator ? "platform operator" : role.rawValue }
}

public enum DemoAccounts {
    static let password = "studioloop-demo-1"

    /// Makes sure the demo accounts exist, and returns them. The gym is the first marketplace
    /// gym by slug in Johannesburg (South Africa comes first), else anywhere, so the demo is the
    /// same on every machine.
    public static func ensure(store: Store, authenticator: Authenticator, now: Int64) async throws -> [DemoAccount] {
        guard let gym = try await store.catalog.firstOpenGym(preferring: "Johannesburg") else { return [] }
        let accounts = [
            DemoAccount(role: .member, email: "member@demo.studioloop.africa", password: password, tenantSlug: nil),
            DemoAccount(role: .owner, email: "owner@demo.studioloop.africa", password: password, tenantSlug: gym.slug),
            DemoAccount(role: .instructor, email: "instructor@demo.studioloop.africa", password: password, tenantSlug: gym.slug),
            DemoAccount(role: .member, email: "operator@demo.studioloop.africa", password: password, tenantSlug: nil, isOperator: true),
        ]
        for account in accounts {
            // Made before sign-up codes existed, a demo account is vouched for now.
            if let existing = try await store.accounts.credentials(email: account.email) {
                try await store.accounts.vouchFor(existing.userId, now: now)
                continue
            }
            let hash = try await authenticator.hash(password: account.password)
            let first = account.role.rawValue.prefix(1).uppercased() + account.role.rawValue.dropFirst()
            let user = try await store.accounts.register(email: account.email, passwordHash: hash, firstName: first, lastName: "Demo", now: now)
            try await store.accounts.vouchFor(user, now: now)
            switch account.role {
            case .member where account.isOperator:
                try await store.payouts.grantOperator(user, now: now)
            case .member:
                try await store.ledger.grantCredits(member: user, tenant: nil, credits: 40, now: now)
                try await store.ledger.grantCredits(member: user, tenant: gym.id, credits: 20, now: now)
            case .owner:
                try await store.staff.grantRole(user: user, tenant: gym.id, role: .owner)
            default:
                try await store.staff.grantRole(user: user, tenant: gym.id, role: .instructor)
            }
        }
        try await ensurePacks(store: store, gym: gym.id, now: now)
        return accounts
    }

    /// The demo gym sells two packs of its own, so a new member can buy one and book directly.
    static func ensurePacks(store: Store, gym: String, now: Int64) async throws {
        guard try await store.packages.list(tenant: gym, includeInactive: true).isEmpty,
            let owner = try await store.accounts.credentials(email: "owner@demo.studioloop.africa")?.userId
        else { return }
        let value = store.bookings.creditValue
        for (name, credits, percent, days) in [("5-class pack", 5, Int64(90), 60), ("10-class pack", 10, Int64(80), 90)] {
            _ = try await store.packages.create(
                tenant: gym, by: owner, name: name, credits: credits,
                price: Money(cents: Int64(credits) * value.cents * percent / 100, currency: value.currency), validityDays: days, now: now
            )
        }
    }
}
