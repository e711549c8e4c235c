public import Booking
import Domain
import Foundation
import SQL

/// Credits a gym's owner gave a member, with the reason, for the gym's records.
public struct CreditGrant: Equatable, Sendable {
    public var grantId: String
    public var tenantId: String
    public var userId: String
    public var grantedBy: String
    public var credits: Int
    public var reason: String
    public var createdAt: Int64
}

extension PaymentStore {
    /// The most an owner may grant at once.
    public static let grantLimit = 1...100

    /// Gives `member` credits at the owner's gym, complimentary: in the ledger as such, with
    /// who granted them and why. Only the gym's owner may.
    public func grantCredits(
        tenant: String, member: String, by owner: String, credits: Int, reason: String, validityDays: Int?, now: Int64
    ) async throws -> CreditGrant {
        guard Self.grantLimit.contains(credits) else {
            throw StoreError.invalid("credits must be \(Self.grantLimit.lowerBound) to \(Self.grantLimit.upperBound)")
        }
        guard !reason.isEmpty else { throw StoreError.invalid("a grant needs a reason") }
        if let days = validityDays, !CreditPackageStore.validityDays.contains(days) {
            throw StoreError.invalid("validity_days must be \(CreditPackageStore.validityDays.lowerBound) to \(CreditPackageStore.validityDays.upperBound), or null")
        }
        return try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: owner))
            try Authorization.require(owner, at: tenant, on: db) { $0 == .owner }
            try db.setContext(.system)
            guard try db.query("SELECT 1 FROM users WHERE id = $1", .text(member)).first != nil else { throw StoreError.notFound("member") }
            let id = UUID().uuidString.lowercased(), transaction = UUID().uuidString.lowercased()
            try db.query(
                "INSERT INTO member_credits (id, user_id, tenant_id, remaining, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                .text(UUID().uuidString.lowercased()), .text(member), .text(tenant), .integer(Int64(credits)),
                SQLValue(validityDays.map { now + Int64($0) * 86_400 }), .integer(now)
            )
            try LedgerRows.post(LedgerEntries.complimentaryCredits(id: transaction, member: member, tenant: tenant, credits: credits, at: now), on: db)
            try db.query(
                """
                INSERT INTO credit_grants (id, tenant_id, user_id, granted_by, credits, reason, ledger_transaction_id, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, .text(id), .text(tenant), .text(member), .text(owner), .integer(Int64(credits)), .text(reason), .text(transaction),
                .integer(now)
            )
            try OutboxRows.notify(member, "credits_granted", id, now: now, on: db)
            return CreditGrant(grantId: id, tenantId: tenant, userId: member, grantedBy: owner, credits: credits, reason: reason, createdAt: now)
        }
    }
}
