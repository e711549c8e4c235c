public import Booking
import Foundation
import SQL

/// Credits and the double-entry ledger behind them: lots granted, what a member can spend,
/// their statement, expiry, the audit of the books and what the platform owes each gym.
public struct LedgerStore: Sendable {
    let database: any Database
}

extension LedgerStore {
    /// Adds a lot of credits for one gym (or universal when `tenant` is nil), bought for
    /// `payment` or granted free, and posts it to the ledger.
    @discardableResult
    public func grantCredits(
        member: String, tenant: String?, credits: Int, expiresAt: Int64? = nil, payment: Money? = nil, now: Int64
    ) async throws -> String {
        guard credits > 0 else { throw StoreError.invalid("credits must be at least 1") }
        let lot = UUID().uuidString.lowercased()
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                "INSERT INTO member_credits (id, user_id, tenant_id, remaining, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                .text(lot), .text(member), SQLValue(tenant), .integer(Int64(credits)), SQLValue(expiresAt), .integer(now)
            )
            try LedgerRows.post(LedgerEntries.grantCredits(
                id: UUID().uuidString.lowercased(), member: member, tenant: tenant, credits: credits, payment: payment, at: now
            ), on: db)
        }
        return lot
    }

    /// The credits a member can spend now at `tenant` (or universally when nil).
    public func credits(member: String, tenant: String?, now: Int64) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.member(member))
            let lots = try Charges.lots(of: member, on: db)
            return CreditRules.available(lots, for: tenant.map { .direct(tenantId: $0) } ?? .marketplace, now: now)
        }
    }

    /// Removes unspent credits whose lots have expired, posting each removal. Returns the credits removed.
    @discardableResult
    public func expireCredits(now: Int64) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.system)
            var removed = 0
            let lots = try db.query(
                "SELECT id, user_id, tenant_id, remaining FROM member_credits WHERE expires_at IS NOT NULL AND expires_at <= $1 AND remaining > 0",
                .integer(now)
            )
            for lot in lots {
                let credits = try lot.int("remaining")
                try db.query("UPDATE member_credits SET remaining = 0 WHERE id = $1", lot["id"])
                try LedgerRows.post(LedgerEntries.expireCredits(
                    id: UUID().uuidString.lowercased(), member: lot.text("user_id"), tenant: lot["tenant_id"].text, credits: credits, at: now
                ), on: db)
                removed += credits
            }
            return removed
        }
    }
}
