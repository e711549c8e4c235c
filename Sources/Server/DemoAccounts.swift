import Booking
public import Domain
public import Storage

/// Accounts for trying the embedded default in the first minute: a member with credits, and
/// the owner and an instructor of one demo gym. Created once; their passwords are printed at
/// start-up and only exist in development mode.
public struct DemoAccount: Sendable, Equatable {
    public var role: StaffRole
    public var email: String
    public var password: String
    public var tenantSlug: String?
}

public enum DemoAccounts {
    static let password = "studioloop-demo-1"

    /// Makes sure the demo accounts exist, and returns them. The gym is the first marketplace
    /// gym by slug in Johannesburg (South Africa comes first), else anywhere, so the demo is the
    /// same on every machine.
    public static func ensure(store: Store, authenticator: Authenticator, gyms: [StoredGym], now: Int64) async throws -> [DemoAccount] {
        let open = gyms.filter { $0.tenant.marketplaceEnabled && $0.tenant.isActive }
        let local = open.filter { $0.tenant.address.city == "Johannesburg" }
        guard let gym = (local.isEmpty ? open : local).min(by: { $0.tenant.slug < $1.tenant.slug }) else { return [] }
        let accounts = [
            DemoAccount(role: .member, email: "member@demo.studioloop.africa", password: password, tenantSlug: nil),
            DemoAccount(role: .owner, email: "owner@demo.studioloop.africa", password: password, tenantSlug: gym.tenant.slug),
            DemoAccount(role: .instructor, email: "instructor@demo.studioloop.africa", password: password, tenantSlug: gym.tenant.slug),
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
            case .member:
                try await store.ledger.grantCredits(member: user, tenant: nil, credits: 40, now: now)
                try await store.ledger.grantCredits(member: user, tenant: gym.tenant.id, credits: 20, now: now)
            case .owner:
                try await store.staff.grantRole(user: user, tenant: gym.tenant.id, role: .owner)
            default:
                try await store.staff.grantRole(user: user, tenant: gym.tenant.id, role: .instructor)
            }
        }
        return accounts
    }
}
