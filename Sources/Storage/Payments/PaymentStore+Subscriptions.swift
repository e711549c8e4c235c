public import Booking
public import Domain
import Foundation
public import Payments
import SQL

/// What a subscription buys each period.
public enum SubscriptionPlan: Equatable, Sendable {
    /// `credits` each month, for one gym or universal (nil).
    case memberCredits(credits: Int, tenant: String?)
    /// A gym's platform tier, which sets its marketplace commission.
    case gymTier(tenant: String, tier: SubscriptionTier)
}

extension PaymentStore {
    /// Fails a renewal this many times in a row and the subscription lapses.
    public static let renewalAttempts = 3

    /// Starts a subscription, pending until the provider confirms its first period. A gym's
    /// tier can be bought only by that gym's owner.
    /// - Parameter packageId: the plan bought, a platform plan's id or a gym's plan (none for a tier).
    public func subscribe(
        member: String, plan: SubscriptionPlan, price: Money, provider: String, packageId: String? = nil, now: Int64
    ) async throws -> String {
        guard price.cents > 0 else { throw StoreError.invalid("a subscription needs a price") }
        let id = UUID().uuidString.lowercased()
        try await database.transaction { db in
            let (tenant, tier, credits, kind): (String?, String?, Int, String)
            switch plan {
            case .memberCredits(let n, let gym):
                guard n > 0 else { throw StoreError.invalid("a credit plan needs at least 1 credit a month") }
                try db.setContext(.member(member))
                (tenant, tier, credits, kind) = (gym, nil, n, "member_credits")
            case .gymTier(let gym, let newTier):
                try db.setContext(.tenant(gym, user: member))
                try Authorization.require(member, at: gym, on: db) { $0 == .owner }
                (tenant, tier, credits, kind) = (gym, newTier.rawValue, 0, "gym_tier")
            }
            try db.query(
                """
                INSERT INTO subscriptions (id, user_id, tenant_id, kind, tier, credits_per_period, price_cents, currency, provider,
                    status, created_at, updated_at, package_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $10, $11)
                """, .text(id), .text(member), SQLValue(tenant), .text(kind), SQLValue(tier), .integer(Int64(credits)),
                .integer(price.cents), .text(price.currency), .text(provider), .integer(now), SQLValue(packageId)
            )
        }
        return id
    }

    /// Records the checkout the provider made for a pending subscription (its first, kept).
    public func attachCheckout(_ checkout: Checkout, toSubscription id: String, member: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.member(member))
            try db.query(
                """
                UPDATE subscriptions SET checkout_url = $3, updated_at = $4
                WHERE id = $1 AND user_id = $2 AND checkout_url IS NULL
                """, .text(id), .text(member), .text(checkout.url), .integer(now)
            )
        }
    }

    /// A subscription whose provider refused to start its checkout: cancelled, not left pending.
    public func abandonSubscription(_ id: String, member: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.member(member))
            try db.query(
                "UPDATE subscriptions SET status = 'cancelled', updated_at = $3 WHERE id = $1 AND user_id = $2 AND status = 'pending' AND checkout_url IS NULL",
                .text(id), .text(member), .integer(now)
            )
        }
    }

    /// The provider's own id of a subscription whose checkout completed, which its invoices
    /// name from then on.
    static func link(subscription reference: String, reference providerReference: String, provider: String, now: Int64, on db: any SQLConnection) throws -> WebhookOutcome {
        guard let id = try subscriptionId(reference, provider: provider, on: db) else { return .unknownReference(reference) }
        try db.query(
            "UPDATE subscriptions SET provider_ref = $2, updated_at = $3 WHERE id = $1 AND provider_ref IS NULL",
            .text(id), .text(providerReference), .integer(now)
        )
        return db.changes == 1 ? .linked(subscriptionId: id) : .ignored
    }

    /// Our id of the subscription `reference` names: ours, or the provider's.
    static func subscriptionId(_ reference: String, provider: String, on db: any SQLConnection) throws -> String? {
        try db.query(
            "SELECT id FROM subscriptions WHERE provider = $2 AND (id = $1 OR provider_ref = $1)", .text(reference), .text(provider)
        ).first?["id"].text
    }

    /// Stops renewal at the end of the current period; the member keeps what they paid for.
    /// Returns its status, which stays as it is until that period ends.
    @discardableResult
    public func cancelSubscription(id: String, member: String, now: Int64) async throws -> SubscriptionStatus {
        try await database.transaction { db in
            try db.setContext(.member(member))
            guard let row = try db.query(
                """
                UPDATE subscriptions SET cancel_at_period_end = 1, updated_at = $3
                WHERE id = $1 AND user_id = $2 AND status IN ('pending', 'active') RETURNING status
                """, .text(id), .text(member), .integer(now)
            ).first else { throw StoreError.notFound("subscription") }
            try db.setContext(.system)
            try OutboxRows.notify(member, "subscription_cancelling", id, now: now, on: db)
            return try row.value("status", as: SubscriptionStatus.self)
        }
    }

    /// Ends the subscriptions whose members cancelled and whose period is over. Returns how many.
    @discardableResult
    public func endCancelledSubscriptions(now: Int64) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                """
                UPDATE subscriptions SET status = 'cancelled', updated_at = $1
                WHERE status = 'active' AND cancel_at_period_end = 1 AND current_period_end <= $1
                """, .integer(now)
            )
            return db.changes
        }
    }

    /// A renewal the provider confirmed (in the webhook's transaction): a new period, its
    /// credits (which roll over one period, so at most one month's amount carries), or the
    /// gym's tier.
    static func renew(subscription reference: String, provider: String, periodEnd: Int64, now: Int64, on db: any SQLConnection) throws -> WebhookOutcome {
        guard let id = try subscriptionId(reference, provider: provider, on: db) else { return .unknownReference(reference) }
        guard let sub = try db.query(
            """
            SELECT user_id, tenant_id, kind, tier, credits_per_period, price_cents, currency, status, cancel_at_period_end,
                   current_period_end FROM subscriptions WHERE id = $1
            """, .text(id)
        ).first else { return .unknownReference(id) }
        let member = try sub.text("user_id"), previousEnd = sub["current_period_end"].integer
        // Nothing renews once lapsed or cancelled, nor past the end of a cancelled period.
        guard try sub.value("status", as: SubscriptionStatus.self).renews, periodEnd > (previousEnd ?? now),
            !(sub["cancel_at_period_end"].integer == 1 && now >= (previousEnd ?? .max))
        else { return .ignored }
        try db.query(
            "UPDATE subscriptions SET status = 'active', current_period_end = $2, failed_renewals = 0, updated_at = $3 WHERE id = $1",
            .text(id), .integer(periodEnd), .integer(now)
        )
        let price = try Money(cents: sub.int64("price_cents"), currency: sub.text("currency"))
        if sub["kind"].text == "gym_tier" {
            try db.query("UPDATE tenants SET subscription_tier = $2 WHERE id = $1", sub["tenant_id"], sub["tier"])
            try OutboxRows.notify(member, "gym_tier_renewed", id, now: now, on: db)
            return .renewed(subscriptionId: id, credits: 0, periodEnd: periodEnd)
        }
        let credits = try sub.int("credits_per_period"), tenant = sub["tenant_id"].text
        let period = periodEnd - (previousEnd ?? max(now, periodEnd - 30 * 86_400))
        try db.query(
            "INSERT INTO member_credits (id, user_id, tenant_id, remaining, expires_at, created_at, currency) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            .text(UUID().uuidString.lowercased()), .text(member), SQLValue(tenant), .integer(Int64(credits)),
            .integer(periodEnd + period), .integer(now), .text(price.currency)
        )
        try LedgerRows.post(LedgerEntries.grantCredits(
            id: UUID().uuidString.lowercased(), member: member, tenant: tenant, credits: credits, payment: price, at: now
        ), on: db)
        try OutboxRows.notify(member, "subscription_renewed", id, now: now, on: db)
        return .renewed(subscriptionId: id, credits: credits, periodEnd: periodEnd)
    }

    /// A renewal the provider could not charge: the member is told, and after
    /// `renewalAttempts` failures in a row the subscription lapses.
    static func renewalFailed(subscription reference: String, provider: String, now: Int64, on db: any SQLConnection) throws -> WebhookOutcome {
        guard let id = try subscriptionId(reference, provider: provider, on: db) else { return .unknownReference(reference) }
        guard let sub = try db.query("SELECT user_id, status, failed_renewals FROM subscriptions WHERE id = $1", .text(id)).first else {
            return .unknownReference(id)
        }
        let status = try sub.value("status", as: SubscriptionStatus.self)
        guard status.renews else { return .ignored }
        let failures = try sub.int("failed_renewals") + 1
        let lapsed = failures >= renewalAttempts
        try db.query(
            "UPDATE subscriptions SET failed_renewals = $2, status = $3, updated_at = $4 WHERE id = $1",
            .text(id), .integer(Int64(failures)), .text((lapsed ? SubscriptionStatus.lapsed : status).rawValue), .integer(now)
        )
        try OutboxRows.notify(sub.text("user_id"), lapsed ? "subscription_lapsed" : "subscription_renewal_failed", id, now: now, on: db)
        return .renewalFailed(subscriptionId: id, lapsed: lapsed)
    }
}
