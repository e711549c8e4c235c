public import Booking
import Foundation
public import Payments
import SQL

/// A credit purchase waiting for its provider's confirmation.
public struct PendingPayment: Equatable, Sendable {
    public var paymentId: String
    public var status: PaymentStatus
    public var amount: Money
    public var credits: Int
}

/// What a verified webhook did.
public enum WebhookOutcome: Equatable, Sendable {
    /// The payment succeeded and its credits were added.
    case credited(paymentId: String, credits: Int)
    case failed(paymentId: String)
    /// A subscription entered a new period: its credits were added, or its gym's tier set.
    case renewed(subscriptionId: String, credits: Int, periodEnd: Int64)
    /// A renewal could not be charged; after enough of those the subscription lapses.
    case renewalFailed(subscriptionId: String, lapsed: Bool)
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
    /// Starts buying `credits` for `price` (universal credits when `tenant` is nil). However
    /// often it is retried with the same `idempotencyKey`, it creates one pending payment and
    /// answers the same; the same key with different parameters is refused. Credits arrive only
    /// when the provider confirms (`apply`).
    public func startCreditPurchase(
        member: String, tenant: String?, credits: Int, price: Money, provider: String, idempotencyKey: String, now: Int64
    ) async throws -> PendingPayment {
        guard credits > 0, price.cents > 0 else { throw StoreError.invalid("a purchase needs credits and a price") }
        guard !idempotencyKey.isEmpty, idempotencyKey.count <= 255 else { throw StoreError.invalid("Idempotency-Key must be 1 to 255 characters") }
        let requestHash = "\(tenant ?? "universal")|\(credits)|\(price.cents)|\(price.currency)|\(provider)"
        return try await database.transaction { db in
            try db.setContext(.member(member))
            if let known = try db.query(
                "SELECT request_hash, payment_id FROM idempotency_keys WHERE user_id = $1 AND key = $2", .text(member), .text(idempotencyKey)
            ).first {
                guard known["request_hash"].text == requestHash else {
                    throw StoreError.unprocessable("Idempotency-Key was already used with different parameters")
                }
                return try Self.pendingPayment(known.text("payment_id"), on: db)
            }
            let id = UUID().uuidString.lowercased()
            try db.query(
                """
                INSERT INTO payments (id, user_id, tenant_id, provider, amount_cents, currency, credits, status, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8)
                """, .text(id), .text(member), SQLValue(tenant), .text(provider), .integer(price.cents), .text(price.currency),
                .integer(Int64(credits)), .integer(now)
            )
            try db.query(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, payment_id, created_at) VALUES ($1, $2, $3, $4, $5)",
                .text(member), .text(idempotencyKey), .text(requestHash), .text(id), .integer(now)
            )
            return PendingPayment(paymentId: id, status: .pending, amount: price, credits: credits)
        }
    }

    /// Acts on a provider's event, verified before it reached the store
    /// (`PaymentProvider.verifiedEvent`): records its event id so a replay is ignored, and then
    /// does what it says: settles a payment (credits added exactly once on success), or renews a
    /// subscription, or records a failed renewal.
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
            case .paymentSucceeded(let payment): return try Self.settlePayment(payment, succeeded: true, provider: name, now: now, on: db)
            case .paymentFailed(let payment): return try Self.settlePayment(payment, succeeded: false, provider: name, now: now, on: db)
            case .subscriptionRenewed(let subscription, let periodEnd):
                return try Self.renew(subscription: subscription, periodEnd: periodEnd, now: now, on: db)
            case .subscriptionPaymentFailed(let subscription): return try Self.renewalFailed(subscription: subscription, now: now, on: db)
            case .unhandled(let type): return .notActedOn(type: type)
            }
        }
    }

    /// Settles a credit purchase the provider confirmed or refused: credits exactly once.
    static func settlePayment(_ paymentId: String, succeeded: Bool, provider: String, now: Int64, on db: any SQLConnection) throws -> WebhookOutcome {
        guard let payment = try db.query(
            "SELECT user_id, tenant_id, amount_cents, currency, credits FROM payments WHERE id = $1 AND provider = $2",
            .text(paymentId), .text(provider)
        ).first else { return .unknownReference(paymentId) }
        try db.query(
            "UPDATE payments SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'pending'",
            .text(paymentId), .text((succeeded ? PaymentStatus.succeeded : .failed).rawValue), .integer(now)
        )
        guard db.changes == 1 else { return .ignored }  // already settled by an earlier event
        guard succeeded else { return .failed(paymentId: paymentId) }
        let member = try payment.text("user_id"), tenant = payment["tenant_id"].text, credits = try payment.int("credits")
        try db.query(
            "INSERT INTO member_credits (id, user_id, tenant_id, remaining, expires_at, created_at) VALUES ($1, $2, $3, $4, NULL, $5)",
            .text(UUID().uuidString.lowercased()), .text(member), SQLValue(tenant), .integer(Int64(credits)), .integer(now)
        )
        try LedgerRows.post(LedgerEntries.grantCredits(
            id: UUID().uuidString.lowercased(), member: member, tenant: tenant, credits: credits,
            payment: Money(cents: payment.int64("amount_cents"), currency: payment.text("currency")), at: now
        ), on: db)
        try OutboxRows.notify(member, "credits_purchased", paymentId, now: now, on: db)
        return .credited(paymentId: paymentId, credits: credits)
    }

    static func pendingPayment(_ id: String, on db: any SQLConnection) throws -> PendingPayment {
        guard let row = try db.query("SELECT status, amount_cents, currency, credits FROM payments WHERE id = $1", .text(id)).first else {
            throw StoreError.notFound("payment")
        }
        return try PendingPayment(
            paymentId: id, status: row.value("status", as: PaymentStatus.self), amount: Money(cents: row.int64("amount_cents"), currency: row.text("currency")),
            credits: row.int("credits")
        )
    }
}

extension PaymentStore {
    /// Idempotency keys are answered for `keepSeconds` (a week by default), then forgotten.
    /// Returns how many were purged.
    @discardableResult
    public func purgeIdempotencyKeys(now: Int64, keepSeconds: Int64 = 7 * 86_400) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query("DELETE FROM idempotency_keys WHERE created_at < $1", .integer(now - keepSeconds))
            return db.changes
        }
    }
}
