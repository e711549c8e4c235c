public import Booking
import Foundation
public import Payments
import SQL

/// Where a refund is: asked of the provider (retried while it is unreachable), accepted by it,
/// confirmed, or failed (its credits given back).
public enum RefundStatus: String, Sendable, Codable, CaseIterable {
    case pending, submitted, succeeded, failed
}

/// A refund of a purchase's unused credits, as its member sees it.
public struct RefundRecord: Equatable, Sendable {
    public var refundId: String
    public var paymentId: String
    public var status: RefundStatus
    public var credits: Int
    public var amount: Money
    public var provider: String
    public var lastError: String?
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// A refund to make at a provider: which provider, and what to ask.
public struct DueRefund: Equatable, Sendable {
    public var provider: String
    public var request: RefundRequest
}

extension PaymentStore {
    /// Days after buying within which a purchase may be refunded, unless configured otherwise.
    public static let defaultRefundWindowDays = 7
    /// Attempts at an unreachable provider before a refund is given up (and its credits given back).
    public static let refundAttempts = 8

    /// Refunds what is left of a purchase: its unused credits leave the member's balance now
    /// (so they cannot be spent twice), the proportional amount is asked of the provider, and
    /// the money side of the ledger moves when the provider confirms. Refused when the purchase
    /// is not the member's, not paid, older than `windowDays`, fully used or already refunded.
    public func requestRefund(payment id: String, member: String, windowDays: Int, now: Int64) async throws -> (RefundRecord, DueRefund) {
        try await database.transaction { db in
            try db.setContext(.member(member))
            guard let payment = try db.query(
                """
                SELECT status, amount_cents, currency, credits, tenant_id, provider, provider_ref, provider_charge, created_at
                FROM payments WHERE id = $1 AND user_id = $2
                """, .text(id), .text(member)
            ).first else { throw StoreError.notFound("payment") }
            guard try payment.value("status", as: PaymentStatus.self) == .succeeded else {
                throw StoreError.unprocessable("only a paid purchase can be refunded")
            }
            guard now - (try payment.int64("created_at")) <= Int64(windowDays) * 86_400 else {
                throw StoreError.unprocessable("a purchase can be refunded within \(windowDays) days of buying it")
            }
            guard try db.query("SELECT 1 FROM refunds WHERE payment_id = $1 AND status <> 'failed'", .text(id)).isEmpty else {
                throw StoreError.conflict("this purchase was already refunded")
            }
            let lots = try db.query(
                "SELECT id, tenant_id, remaining FROM member_credits WHERE payment_id = $1 AND remaining > 0 AND (expires_at IS NULL OR expires_at > $2)",
                .text(id), .integer(now)
            )
            let unused = try lots.reduce(0) { $0 + (try $1.int("remaining")) }
            guard unused > 0 else { throw StoreError.unprocessable("nothing to refund: every credit of this purchase was used or has expired") }
            for lot in lots {
                try db.query("UPDATE member_credits SET remaining = remaining - $2 WHERE id = $1 AND remaining >= $2", lot["id"], lot["remaining"])
                guard db.changes == 1 else { throw StoreError.conflict("the purchase's credits changed while refunding; try again") }
            }
            let bought = try payment.int("credits"), paid = try payment.int64("amount_cents")
            let amount = Money(cents: paid * Int64(unused) / Int64(bought), currency: try payment.text("currency"))
            let tenant = payment["tenant_id"].text, provider = try payment.text("provider")
            let refundId = UUID().uuidString.lowercased(), creditsTransaction = UUID().uuidString.lowercased()
            try LedgerRows.post(LedgerEntries.refundCredits(id: creditsTransaction, member: member, tenant: tenant, credits: unused, at: now), on: db)
            try db.query(
                """
                INSERT INTO refunds (id, payment_id, user_id, tenant_id, credits, amount_cents, currency, status, provider,
                    next_attempt_at, credits_transaction_id, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $9, $9)
                """, .text(refundId), .text(id), .text(member), SQLValue(tenant), .integer(Int64(unused)), .integer(amount.cents),
                .text(amount.currency), .text(provider), .integer(now), .text(creditsTransaction)
            )
            let reference = payment["provider_charge"].text ?? payment["provider_ref"].text ?? id
            let due = DueRefund(provider: provider, request: RefundRequest(
                reference: refundId, paymentReference: reference, amountCents: amount.cents, currency: amount.currency
            ))
            return (try Self.refund(refundId, on: db), due)
        }
    }

    /// The provider accepted the refund (confirmation follows by webhook).
    public func refundSubmitted(_ id: String, providerReference: String, now: Int64) async throws -> RefundRecord {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                """
                UPDATE refunds SET status = 'submitted', provider_ref = $2, attempts = attempts + 1, last_error = NULL, updated_at = $3
                WHERE id = $1 AND status = 'pending'
                """, .text(id), .text(providerReference), .integer(now)
            )
            return try Self.refund(id, on: db)
        }
    }

    /// A call to the provider that did not go through. Unavailable: retried later with backoff
    /// (the same idempotency key), until `refundAttempts`; refused, or out of attempts: failed,
    /// and the credits are the member's again.
    public func refundAttemptFailed(_ id: String, error: ProviderCallError, now: Int64) async throws -> RefundRecord {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let row = try db.query("SELECT attempts FROM refunds WHERE id = $1 AND status = 'pending'", .text(id)).first else {
                return try Self.refund(id, on: db)
            }
            let attempts = try row.int("attempts") + 1
            if case .unavailable = error, attempts < Self.refundAttempts {
                let backoff = Int64(60) << min(attempts, 10)  // 2 min, 4 min, … about 4 h
                try db.query(
                    "UPDATE refunds SET attempts = $2, next_attempt_at = $3, last_error = $4, updated_at = $5 WHERE id = $1",
                    .text(id), .integer(Int64(attempts)), .integer(now + backoff), .text(error.description), .integer(now)
                )
            } else {
                try db.query("UPDATE refunds SET attempts = $2, last_error = $3 WHERE id = $1", .text(id), .integer(Int64(attempts)), .text(error.description))
                _ = try Self.failRefund(id, now: now, on: db)
            }
            return try Self.refund(id, on: db)
        }
    }

    /// Refunds whose provider call is due again (it was unreachable).
    public func dueRefunds(now: Int64, limit: Int = 50) async throws -> [DueRefund] {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query(
                """
                SELECT r.id, r.provider, r.amount_cents, r.currency, p.id AS payment_id, p.provider_ref, p.provider_charge
                FROM refunds r JOIN payments p ON p.id = r.payment_id
                WHERE r.status = 'pending' AND r.next_attempt_at <= $1 ORDER BY r.next_attempt_at LIMIT $2
                """, .integer(now), .integer(Int64(limit))
            ).map { row in
                try DueRefund(provider: row.text("provider"), request: RefundRequest(
                    reference: row.text("id"), paymentReference: row["provider_charge"].text ?? row["provider_ref"].text ?? row.text("payment_id"),
                    amountCents: row.int64("amount_cents"), currency: row.text("currency")
                ))
            }
        }
    }

    /// A refund as it stands now, for the server's own bookkeeping (no member context).
    public func refund(id: String) async throws -> RefundRecord {
        try await database.transaction { db in
            try db.setContext(.system)
            return try Self.refund(id, on: db)
        }
    }

    /// The refunds of one of a member's payments.
    public func refunds(payment id: String, member: String) async throws -> [RefundRecord] {
        try await database.transaction { db in
            try db.setContext(.member(member))
            return try db.query("SELECT id FROM refunds WHERE payment_id = $1 AND user_id = $2 ORDER BY created_at, id", .text(id), .text(member))
                .map { try Self.refund($0.text("id"), on: db) }
        }
    }

    /// The provider's word on a refund: succeeded moves the money in the ledger (once); failed
    /// gives the credits back.
    static func settleRefund(_ reference: String, succeeded: Bool, provider: String, now: Int64, on db: any SQLConnection) throws -> WebhookOutcome {
        guard let row = try db.query(
            "SELECT id, status, amount_cents, currency FROM refunds WHERE provider = $2 AND (id = $1 OR provider_ref = $1)",
            .text(reference), .text(provider)
        ).first else { return .unknownReference(reference) }
        let id = try row.text("id")
        guard [.pending, .submitted].contains(try row.value("status", as: RefundStatus.self)) else { return .ignored }
        guard succeeded else { return try failRefund(id, now: now, on: db) ? .refundFailed(refundId: id) : .ignored }
        try db.query("UPDATE refunds SET status = 'succeeded', updated_at = $2 WHERE id = $1", .text(id), .integer(now))
        let amount = try Money(cents: row.int64("amount_cents"), currency: row.text("currency"))
        if amount.cents > 0 {
            try LedgerRows.post(LedgerEntries.refundPayment(id: UUID().uuidString.lowercased(), amount: amount, at: now), on: db)
        }
        return .refunded(refundId: id)
    }

    /// Marks a refund failed and gives its credits back, reversing exactly what was taken.
    static func failRefund(_ id: String, now: Int64, on db: any SQLConnection) throws -> Bool {
        guard let row = try db.query(
            """
            UPDATE refunds SET status = 'failed', updated_at = $2 WHERE id = $1 AND status IN ('pending', 'submitted')
            RETURNING payment_id, user_id, credits, credits_transaction_id
            """, .text(id), .integer(now)
        ).first else { return false }
        try db.query("UPDATE member_credits SET remaining = remaining + $2 WHERE payment_id = $1", row["payment_id"], row["credits"])
        let taken = try LedgerRows.transaction(row.text("credits_transaction_id"), on: db)
        try LedgerRows.post(taken.reversal(id: UUID().uuidString.lowercased(), kind: "refund_failed", at: now), on: db)
        try OutboxRows.notify(row.text("user_id"), "refund_failed", id, now: now, on: db)
        return true
    }

    static func refund(_ id: String, on db: any SQLConnection) throws -> RefundRecord {
        guard let row = try db.query(
            "SELECT payment_id, status, credits, amount_cents, currency, provider, last_error, created_at, updated_at FROM refunds WHERE id = $1",
            .text(id)
        ).first else { throw StoreError.notFound("refund") }
        return try RefundRecord(
            refundId: id, paymentId: row.text("payment_id"), status: row.value("status", as: RefundStatus.self), credits: row.int("credits"),
            amount: Money(cents: row.int64("amount_cents"), currency: row.text("currency")), provider: row.text("provider"),
            lastError: row["last_error"].text, createdAt: row.int64("created_at"), updatedAt: row.int64("updated_at")
        )
    }
}
