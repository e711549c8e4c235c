import Foundation

/// A member's credits as the app shows them: what they can spend where, and what moved lately.
public struct CreditStatement: Codable, Equatable, Sendable {
    public var balances: [Balance]
    /// Newest first.
    public var recent: [Movement]

    public struct Balance: Codable, Equatable, Sendable {
        /// Nil for universal marketplace credits.
        public var tenantId: String?
        public var tenantSlug: String?
        /// Spendable now (expired lots left out).
        public var credits: Int
        /// When the soonest of these credits expire, if any do.
        public var nextExpiry: Int64?
        /// Credits bought here over the account's life: packs and plan months (not gifts).
        public var totalPurchased: Int = 0
        /// The plan (a platform plan or the gym's own) that renews here, if one is active and
        /// not cancelled.
        public var renewingPlan: String?
        /// When the first of these credits arrived, and when they last moved.
        public var createdAt: Int64 = 0
        public var updatedAt: Int64 = 0
    }

    public struct Movement: Codable, Equatable, Sendable {
        public var transactionId: String
        public var kind: String
        public var tenantId: String?
        /// Positive in, negative out.
        public var credits: Int64
        public var at: Int64
    }
}

extension LedgerStore {
    public func creditStatement(member: String, now: Int64, recentLimit: Int = 20) async throws -> CreditStatement {
        try await database.transaction { db in
            try db.setContext(.member(member))
            var byTenant: [String: CreditStatement.Balance] = [:]
            for row in try db.query(
                """
                SELECT c.tenant_id, t.slug, c.remaining, c.expires_at, c.created_at FROM member_credits c LEFT JOIN tenants t ON t.id = c.tenant_id
                WHERE c.user_id = $1 AND c.remaining > 0 AND (c.expires_at IS NULL OR c.expires_at > $2)
                """, .text(member), .integer(now)
            ) {
                let tenant = row["tenant_id"].text
                var balance = byTenant[tenant ?? ""] ?? .init(tenantId: tenant, tenantSlug: row["slug"].text, credits: 0, nextExpiry: nil)
                balance.credits += try row.int("remaining")
                if let expiry = row["expires_at"].integer { balance.nextExpiry = min(balance.nextExpiry ?? .max, expiry) }
                let arrived = try row.int64("created_at")
                balance.createdAt = balance.createdAt == 0 ? arrived : min(balance.createdAt, arrived)
                byTenant[tenant ?? ""] = balance
            }
            for row in try db.query(
                """
                SELECT s.tenant_id, s.credits_per_period, s.package_id, p.name FROM subscriptions s LEFT JOIN credit_packages p ON p.id = s.package_id
                WHERE s.user_id = $1 AND s.kind = 'member_credits' AND s.status = 'active' AND s.cancel_at_period_end = 0
                """, .text(member)
            ) {
                let key = row["tenant_id"].text ?? "", perPeriod = try row.int("credits_per_period")
                byTenant[key]?.renewingPlan = row["name"].text ?? row["package_id"].text ?? "plan-\(perPeriod)"
            }
            // The ledger is the store's own to read; this reads only the member's accounts.
            try db.setContext(.system)
            let prefix = "member:\(member):credits:"
            let recent = try db.query(
                """
                SELECT t.id, t.kind, t.created_at, p.account, p.amount FROM ledger_postings p
                JOIN ledger_transactions t ON t.id = p.transaction_id
                WHERE p.account >= $1 AND p.account < $2 AND p.unit = 'credits'
                ORDER BY t.created_at DESC, t.id DESC LIMIT $3
                """, .text(prefix), .text(prefix + "\u{FFFF}"), .integer(Int64(recentLimit))
            ).map { row in
                let tenant = try String(row.text("account").dropFirst(prefix.count))
                return try CreditStatement.Movement(
                    transactionId: row.text("id"), kind: row.text("kind"), tenantId: tenant == "universal" ? nil : tenant,
                    credits: row.int64("amount"), at: row.int64("created_at")
                )
            }
            for row in try db.query(
                """
                SELECT p.account, CAST(SUM(CASE WHEN t.kind = 'credits' AND p.amount > 0 THEN p.amount ELSE 0 END) AS BIGINT) AS bought,
                       MAX(t.created_at) AS moved
                FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
                WHERE p.account >= $1 AND p.account < $2 AND p.unit = 'credits' GROUP BY p.account
                """, .text(prefix), .text(prefix + "\u{FFFF}")
            ) {
                let tenant = try String(row.text("account").dropFirst(prefix.count))
                let key = tenant == "universal" ? "" : tenant
                byTenant[key]?.totalPurchased = try row.int("bought")
                byTenant[key]?.updatedAt = try row.int64("moved")
            }
            let balances = byTenant.values.sorted { ($0.tenantId == nil ? "" : $0.tenantSlug ?? "~") < ($1.tenantId == nil ? "" : $1.tenantSlug ?? "~") }
            return CreditStatement(balances: balances, recent: recent)
        }
    }
}
