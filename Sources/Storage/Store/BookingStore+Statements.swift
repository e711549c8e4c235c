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

/// One of a member's bookings with what the app lists about its session.
public struct BookingSummary: Codable, Equatable, Sendable {
    public var id: String
    public var sessionId: String
    public var tenantId: String
    public var classId: String
    public var className: String
    public var startTime: Int64
    public var endTime: Int64
    public var status: String
    public var creditsCharged: Int
    public var isMarketplace: Bool
    public var waitlistPosition: Int?
    public var updatedAt: Int64
}

extension BookingStore {
    public func creditStatement(member: String, now: Int64, recentLimit: Int = 20) async throws -> CreditStatement {
        try await database.transaction { db in
            try db.setContext(.member(member))
            var byTenant: [String: CreditStatement.Balance] = [:]
            for row in try db.query(
                """
                SELECT c.tenant_id, t.slug, c.remaining, c.expires_at FROM member_credits c LEFT JOIN tenants t ON t.id = c.tenant_id
                WHERE c.user_id = $1 AND c.remaining > 0 AND (c.expires_at IS NULL OR c.expires_at > $2)
                """, .text(member), .integer(now)
            ) {
                let tenant = row["tenant_id"].text
                var balance = byTenant[tenant ?? ""] ?? .init(tenantId: tenant, tenantSlug: row["slug"].text, credits: 0, nextExpiry: nil)
                balance.credits += try row.int("remaining")
                if let expiry = row["expires_at"].integer { balance.nextExpiry = min(balance.nextExpiry ?? .max, expiry) }
                byTenant[tenant ?? ""] = balance
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
            let balances = byTenant.values.sorted { ($0.tenantId == nil ? "" : $0.tenantSlug ?? "~") < ($1.tenantId == nil ? "" : $1.tenantSlug ?? "~") }
            return CreditStatement(balances: balances, recent: recent)
        }
    }

    /// A member's bookings, newest session first; with `updatedSince`, only those changed at or
    /// after it (for the app's offline sync).
    public func bookings(of member: String, updatedSince: Int64? = nil, limit: Int = 100) async throws -> [BookingSummary] {
        try await database.transaction { db in
            try db.setContext(.member(member))
            return try db.query(
                """
                SELECT b.id, b.session_id, b.tenant_id, s.class_id, c.name, s.start_time, s.end_time, b.status, b.credits_charged,
                    b.is_marketplace, b.updated_at,
                    CASE WHEN b.status = 'waitlisted' THEN (SELECT COUNT(*) FROM bookings w WHERE w.session_id = b.session_id
                        AND w.status = 'waitlisted' AND w.waitlist_seq <= b.waitlist_seq) END AS position
                FROM bookings b JOIN class_schedules s ON s.id = b.session_id JOIN classes c ON c.id = s.class_id
                WHERE b.user_id = $1 AND b.updated_at >= $2 ORDER BY s.start_time DESC, b.id LIMIT $3
                """, .text(member), .integer(updatedSince ?? 0), .integer(Int64(limit))
            ).map { row in
                try BookingSummary(
                    id: row.text("id"), sessionId: row.text("session_id"), tenantId: row.text("tenant_id"),
                    classId: row.text("class_id"), className: row.text("name"), startTime: row.int64("start_time"),
                    endTime: row.int64("end_time"), status: row.text("status"), creditsCharged: Int(row["credits_charged"].integer ?? 0),
                    isMarketplace: row["is_marketplace"].integer == 1, waitlistPosition: row["position"].integer.map(Int.init),
                    updatedAt: row.int64("updated_at")
                )
            }
        }
    }

    /// A gym by its slug.
    public func tenant(slug: String) async throws -> StoredGym? {
        guard let id = try await tenantId(slug: slug) else { return nil }
        return try await catalog(from: 0, to: 0, tenant: id).first
    }

    /// The id of the gym with this slug: all that the routes under `/tenants/{slug}` need first.
    public func tenantId(slug: String) async throws -> String? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT id FROM tenants WHERE slug = $1", .text(slug)).first?["id"].text
        }
    }

    /// Whether the store answers: for readiness checks.
    public func ping() async throws {
        _ = try await database.transaction { db in try db.query("SELECT 1") }
    }
}

extension BookingStore {
    /// What `user` is at `tenant` (owner, admin, instructor, member), if anything.
    public func role(of user: String, at tenant: String) async throws -> String? {
        try await database.transaction { db in
            try db.setContext(.member(user))
            return try db.query(
                "SELECT role FROM user_tenant_roles WHERE user_id = $1 AND tenant_id = $2", .text(user), .text(tenant)
            ).first?["role"].text
        }
    }
}

extension BookingStore {
    /// The gym a session belongs to, if the session exists.
    public func sessionTenant(_ sessionId: String) async throws -> String? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT tenant_id FROM class_schedules WHERE id = $1", .text(sessionId)).first?["tenant_id"].text
        }
    }
}
