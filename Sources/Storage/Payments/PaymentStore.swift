public import Booking
import Foundation
public import Payments
import SQL

/// What a purchase buys: credits for a price, universal (`tenant` nil) or at one gym, from a
/// package of the platform's ("credits-10") or the gym's own.
public struct CreditOrder: Equatable, Sendable {
    public var tenant: String?
    public var packageId: String
    public var credits: Int
    public var price: Money
    /// Days the credits last once bought; nil for as long as they are not spent.
    public var validityDays: Int?
    /// What the member sees at checkout ("10 credits at Zen Yoga").
    public var description: String

    public init(tenant: String?, packageId: String, credits: Int, price: Money, validityDays: Int? = nil, description: String) {
        self.tenant = tenant
        self.packageId = packageId
        self.credits = credits
        self.price = price
        self.validityDays = validityDays
        self.description = description
    }
}

/// A credit purchase, as its member sees it: waiting for the provider's word, or settled.
public struct PaymentRecord: Equatable, Sendable {
    public var paymentId: String
    public var status: PaymentStatus
    public var amount: Money
    public var credits: Int
    public var tenantId: String?
    public var packageId: String?
    public var provider: String
    /// The provider's page the member pays on; nil until the provider has made it.
    public var checkoutURL: String?
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// What a verified webhook did.
public enum WebhookOutcome: Equatable, Sendable {
    /// The payment succeeded and its credits were added.
    case credited(paymentId: String, credits: Int)
    case failed(paymentId: String)
    /// A subscription's checkout completed: the provider's reference for it is recorded.
    case linked(subscriptionId: String)
    /// A subscription entered a new period: its credits were added, or its gym's tier set.
    case renewed(subscriptionId: String, credits: Int, periodEnd: Int64)
    /// A renewal could not be charged; after enough of those the subscription lapses.
    case renewalFailed(subscriptionId: String, lapsed: Bool)
    /// A refund the provider confirmed, or refused (its credits given back).
    case refunded(refundId: String)
    case refundFailed(refundId: String)
    /// The event was seen before, or the payment was already settled: nothing changed.
    case ignored
    /// The event names a payment or subscription this platform does not have (another
    /// platform's on the same provider account, or one long gone): recorded and acknowledged,
    /// so the provider stops sending it.
    case unknownReference(String)
    /// A kind of event this platform does not act on: recorded and acknowledged.
    case notActedOn(type: String)
}

/// Money in: credit purchases and subscriptions, settled only by a provider's verified
/// webhook, each event once.
public struct PaymentStore: Sendable {
    let database: any Database
}

extension PaymentStore {
    static let paymentColumns = """
        id, status, amount_cents, currency, credits, tenant_id, package_id, provider, checkout_url, created_at, updated_at
        """

    /// Starts buying `order`. However often it is retried with the same `idempotencyKey`, it
    /// creates one pending payment and answers it; the same key with a different order is
    /// refused. Credits arrive only when the provider confirms (`apply`).
    public func startCreditPurchase(member: String, order: CreditOrder, provider: String, idempotencyKey: String, now: Int64) async throws -> PaymentRecord {
        guard order.credits > 0, order.price.cents > 0 else { throw StoreError.invalid("a purchase needs credits and a price") }
        guard !idempotencyKey.isEmpty, idempotencyKey.count <= 255 else { throw StoreError.invalid("Idempotency-Key must be 1 to 255 characters") }
        let requestHash = "\(order.tenant ?? "universal")|\(order.packageId)|\(order.credits)|\(order.price.cents)|\(order.price.currency)|\(provider)"
        return try await database.transaction { db in
            try db.setContext(.member(member))
            if let known = try db.query(
                "SELECT request_hash, payment_id FROM idempotency_keys WHERE user_id = $1 AND key = $2", .text(member), .text(idempotencyKey)
            ).first {
                guard known["request_hash"].text == requestHash else {
                    throw StoreError.unprocessable("Idempotency-Key was already used with different parameters")
                }
                return try Self.payment(known.text("payment_id"), on: db)
            }
            let id = UUID().uuidString.lowercased()
            try db.query(
                """
                INSERT INTO payments (id, user_id, tenant_id, provider, amount_cents, currency, credits, status, created_at, updated_at,
                    package_id, validity_days, description)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8, $9, $10, $11)
                """, .text(id), .text(member), SQLValue(order.tenant), .text(provider), .integer(order.price.cents),
                .text(order.price.currency), .integer(Int64(order.credits)), .integer(now), .text(order.packageId),
                SQLValue(order.validityDays.map(Int64.init)), .text(order.description)
            )
            try db.query(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, payment_id, created_at) VALUES ($1, $2, $3, $4, $5)",
                .text(member), .text(idempotencyKey), .text(requestHash), .text(id), .integer(now)
            )
            return try Self.payment(id, on: db)
        }
    }

    /// Records the checkout the provider made for a pending payment. A payment keeps its first
    /// checkout: a retry that made the same one again (same idempotency key) changes nothing.
    public func attachCheckout(_ checkout: Checkout, toPayment id: String, member: String, now: Int64) async throws -> PaymentRecord {
        try await database.transaction { db in
            try db.setContext(.member(member))
            try db.query(
                """
                UPDATE payments SET provider_ref = $3, checkout_url = $4, updated_at = $5
                WHERE id = $1 AND user_id = $2 AND checkout_url IS NULL
                """, .text(id), .text(member), .text(checkout.providerReference), .text(checkout.url), .integer(now)
            )
            return try Self.payment(id, on: db)
        }
    }

    /// A payment its provider refused to start (a 4xx): failed, so it is not shown as waiting.
    public func abandonPayment(_ id: String, member: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.member(member))
            try db.query(
                "UPDATE payments SET status = 'failed', updated_at = $3 WHERE id = $1 AND user_id = $2 AND status = 'pending' AND checkout_url IS NULL",
                .text(id), .text(member), .integer(now)
            )
        }
    }

    /// A payment of `member`'s; another member's is not found (row-level security holds it on
    /// PostgreSQL, the filter everywhere).
    public func payment(id: String, member: String) async throws -> PaymentRecord {
        try await database.transaction { db in
            try db.setContext(.member(member))
            guard try db.query("SELECT 1 FROM payments WHERE id = $1 AND user_id = $2", .text(id), .text(member)).first != nil else {
                throw StoreError.notFound("payment")
            }
            return try Self.payment(id, on: db)
        }
    }

    /// Acts on a provider's event, verified before it reached the store
    /// (`PaymentProvider.verifiedEvent`): records its event id so a replay is ignored, and then
    /// does what it says: settles a payment (credits added exactly once on success), links,
    /// renews or fails a subscription, or settles a refund.
    public func apply(_ verified: VerifiedEvent, now: Int64) async throws -> WebhookOutcome {
        let (name, eventId, event) = (verified.provider, verified.eventId, verified.event)
        return try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                "INSERT INTO webhook_events (provider, event_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                .text(name), .text(eventId), .integer(now)
            )
            guard db.changes == 1 else { return .ignored }
            switch event {
            case .paymentSucceeded(let payment, let charge):
                return try Self.settlePayment(payment, succeeded: true, charge: charge, provider: name, now: now, on: db)
            case .paymentFailed(let payment):
                return try Self.settlePayment(payment, succeeded: false, charge: nil, provider: name, now: now, on: db)
            case .subscriptionStarted(let subscription, let reference):
                return try Self.link(subscription: subscription, reference: reference, provider: name, now: now, on: db)
            case .subscriptionRenewed(let subscription, let periodEnd):
                return try Self.renew(subscription: subscription, provider: name, periodEnd: periodEnd, now: now, on: db)
            case .subscriptionPaymentFailed(let subscription):
                return try Self.renewalFailed(subscription: subscription, provider: name, now: now, on: db)
            case .refundSucceeded(let refund): return try Self.settleRefund(refund, succeeded: true, provider: name, now: now, on: db)
            case .refundFailed(let refund): return try Self.settleRefund(refund, succeeded: false, provider: name, now: now, on: db)
            case .unhandled(let type): return .notActedOn(type: type)
            }
        }
    }

    /// Settles a credit purchase the provider confirmed or refused: credits exactly once, in a
    /// lot that remembers its payment (for refunds) and lasts the package's validity.
    static func settlePayment(
        _ reference: String, succeeded: Bool, charge: String?, provider: String, now: Int64, on db: any SQLConnection
    ) throws -> WebhookOutcome {
        guard let payment = try db.query(
            """
            SELECT id, user_id, tenant_id, amount_cents, currency, credits, validity_days FROM payments
            WHERE provider = $2 AND (id = $1 OR provider_ref = $1)
            """, .text(reference), .text(provider)
        ).first else { return .unknownReference(reference) }
        let paymentId = try payment.text("id")
        try db.query(
            "UPDATE payments SET status = $2, provider_charge = $3, updated_at = $4 WHERE id = $1 AND status = 'pending'",
            .text(paymentId), .text((succeeded ? PaymentStatus.succeeded : .failed).rawValue), SQLValue(charge), .integer(now)
        )
        guard db.changes == 1 else { return .ignored }  // already settled by an earlier event
        guard succeeded else { return .failed(paymentId: paymentId) }
        let member = try payment.text("user_id"), tenant = payment["tenant_id"].text, credits = try payment.int("credits")
        let expiresAt = payment["validity_days"].integer.map { now + $0 * 86_400 }
        try db.query(
            """
            INSERT INTO member_credits (id, user_id, tenant_id, remaining, expires_at, created_at, payment_id, currency)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, .text(UUID().uuidString.lowercased()), .text(member), SQLValue(tenant), .integer(Int64(credits)), SQLValue(expiresAt),
            .integer(now), .text(paymentId), payment["currency"]
        )
        try LedgerRows.post(LedgerEntries.grantCredits(
            id: UUID().uuidString.lowercased(), member: member, tenant: tenant, credits: credits,
            payment: Money(cents: payment.int64("amount_cents"), currency: payment.text("currency")), at: now
        ), on: db)
        try OutboxRows.notify(member, "credits_purchased", paymentId, now: now, on: db)
        return .credited(paymentId: paymentId, credits: credits)
    }

    static func payment(_ id: String, on db: any SQLConnection) throws -> PaymentRecord {
        guard let row = try db.query("SELECT \(paymentColumns) FROM payments WHERE id = $1", .text(id)).first else {
            throw StoreError.notFound("payment")
        }
        return try PaymentRecord(
            paymentId: id, status: row.value("status", as: PaymentStatus.self),
            amount: Money(cents: row.int64("amount_cents"), currency: row.text("currency")), credits: row.int("credits"),
            tenantId: row["tenant_id"].text, packageId: row["package_id"].text, provider: row.text("provider"),
            checkoutURL: row["checkout_url"].text, createdAt: row.int64("created_at"), updatedAt: row.int64("updated_at")
        )
    }
}

extension PaymentStore {
    /// A purchase whose checkout was never made (its provider was down and the member did not
    /// retry) fails after `afterSeconds`: nobody can pay it. One with a checkout waits for its
    /// provider's word, which may come late (a checkout's own expiry says so too).
    @discardableResult
    public func expireUnstartedPayments(now: Int64, afterSeconds: Int64 = 86_400) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                "UPDATE payments SET status = 'failed', updated_at = $1 WHERE status = 'pending' AND checkout_url IS NULL AND created_at < $2",
                .integer(now), .integer(now - afterSeconds)
            )
            return db.changes
        }
    }

    /// Idempotency keys (of purchases and of booking requests) are answered for `keepSeconds`
    /// (a week by default), then forgotten.
    /// Returns how many were purged.
    @discardableResult
    public func purgeIdempotencyKeys(now: Int64, keepSeconds: Int64 = 7 * 86_400) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query("DELETE FROM idempotency_keys WHERE created_at < $1", .integer(now - keepSeconds))
            let purchases = db.changes
            try db.query("DELETE FROM booking_requests WHERE created_at < $1", .integer(now - keepSeconds))
            return purchases + db.changes
        }
    }
}

/// What a checkout page shows: what is being paid for, and whether it is still open.
public struct CheckoutSummary: Equatable, Sendable {
    public var isSubscription: Bool
    public var description: String
    public var amount: Money
    public var provider: String
    /// Still waiting for the provider's word.
    public var isOpen: Bool
}

extension PaymentStore {
    /// The payment or subscription a checkout was made for, by our id.
    public func checkoutSummary(reference: String) async throws -> CheckoutSummary? {
        try await database.transaction { db in
            try db.setContext(.system)
            if let row = try db.query("SELECT description, amount_cents, currency, provider, status FROM payments WHERE id = $1", .text(reference)).first {
                return try CheckoutSummary(
                    isSubscription: false, description: row.text("description"),
                    amount: Money(cents: row.int64("amount_cents"), currency: row.text("currency")), provider: row.text("provider"),
                    isOpen: row.value("status", as: PaymentStatus.self) == .pending
                )
            }
            guard let row = try db.query(
                "SELECT kind, tier, credits_per_period, price_cents, currency, provider, status FROM subscriptions WHERE id = $1", .text(reference)
            ).first else { return nil }
            let what = row["kind"].text == "gym_tier" ? "StudioLoop \(row["tier"].text ?? "") tier" : "\(try row.int("credits_per_period")) credits"
            return try CheckoutSummary(
                isSubscription: true, description: "\(what) a month", amount: Money(cents: row.int64("price_cents"), currency: row.text("currency")),
                provider: row.text("provider"), isOpen: row.value("status", as: SubscriptionStatus.self) == .pending
            )
        }
    }
}
