public import Booking
import Foundation
import SQL

/// A booking with what a member's app shows of it: its session, class and gym, its state and
/// what it cost. One row of "My classes".
public struct BookingDetails: Equatable, Sendable {
    public var id: String
    public var tenantId: String
    public var userId: String
    public var sessionId: String
    public var status: BookingStatus
    public var isMarketplace: Bool
    public var creditsCharged: Int
    /// The platform's commission on a confirmed marketplace booking.
    public var marketplaceFee: Money?
    public var checkedInAt: Int64?
    public var cancelReason: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var classId: String
    public var className: String
    public var gymName: String
    public var gymSlug: String
    /// The gym's IANA time zone, in which its app shows the session's times.
    public var timezone: String
    public var startTime: Int64
    public var endTime: Int64
    /// 1-based place in the queue while waitlisted.
    public var waitlistPosition: Int?
}

extension BookingStore {
    /// A member's bookings, newest session first; with `updatedSince`, only those changed at or
    /// after it (for the app's offline sync).
    public func bookings(of member: String, updatedSince: Int64? = nil, limit: Int = 100) async throws -> [BookingDetails] {
        try await database.transaction { db in
            try db.setContext(.member(member))
            return try db.query(
                Self.detailsQuery + " WHERE b.user_id = $1 AND b.updated_at >= $2 ORDER BY s.start_time DESC, b.id LIMIT $3",
                .text(member), .integer(updatedSince ?? 0), .integer(Int64(limit))
            ).map(Self.details)
        }
    }

    /// One booking with its session, class and gym; the caller decides who may see it.
    public func details(id: String) async throws -> BookingDetails {
        try await database.transaction { db in
            try db.setContext(.system)
            return try Self.details(id, on: db)
        }
    }

    /// The same, inside a transaction that can see it.
    static func details(_ id: String, on db: any SQLConnection) throws -> BookingDetails {
        guard let row = try db.query(detailsQuery + " WHERE b.id = $1", .text(id)).first else { throw StoreError.notFound("booking") }
        return try details(row)
    }

    private static let detailsQuery = """
        SELECT b.id, b.tenant_id, b.user_id, b.session_id, b.status, b.is_marketplace, b.credits_charged, b.marketplace_fee_cents,
            b.currency, b.checked_in_at, b.cancel_reason, b.created_at, b.updated_at, s.class_id, c.name AS class_name,
            t.name AS gym_name, t.slug, t.timezone, s.start_time, s.end_time,
            CASE WHEN b.status = 'waitlisted' THEN (SELECT COUNT(*) FROM bookings w WHERE w.session_id = b.session_id
                AND w.status = 'waitlisted' AND w.waitlist_seq <= b.waitlist_seq) END AS position
        FROM bookings b JOIN class_schedules s ON s.id = b.session_id JOIN classes c ON c.id = s.class_id
        JOIN tenants t ON t.id = b.tenant_id
        """

    private static func details(_ row: SQLRow) throws -> BookingDetails {
        let fee = try row.optionalInt64("marketplace_fee_cents").flatMap { cents in row["currency"].text.map { Money(cents: cents, currency: $0) } }
        return try BookingDetails(
            id: row.text("id"), tenantId: row.text("tenant_id"), userId: row.text("user_id"), sessionId: row.text("session_id"),
            status: row.value("status", as: BookingStatus.self), isMarketplace: row.bool("is_marketplace"),
            creditsCharged: Int(row.optionalInt64("credits_charged") ?? 0), marketplaceFee: fee, checkedInAt: row.optionalInt64("checked_in_at"),
            cancelReason: row.optionalText("cancel_reason"), createdAt: row.int64("created_at"), updatedAt: row.int64("updated_at"),
            classId: row.text("class_id"), className: row.text("class_name"), gymName: row.text("gym_name"), gymSlug: row.text("slug"),
            timezone: row.text("timezone"), startTime: row.int64("start_time"), endTime: row.int64("end_time"),
            waitlistPosition: row.optionalInt64("position").map(Int.init)
        )
    }
}

/// What a member is told before booking a session: its rules as they stand.
public struct SessionTerms: Sendable {
    public var facts: SessionFacts
    public var credits: Int
    public var marketplaceEnabled: Bool
}

extension BookingStore {
    /// A session's rules and counts as they stand (not locked: for showing, not deciding).
    public func terms(sessionId: String) async throws -> SessionTerms {
        try await database.transaction { db in
            try db.setContext(.system)
            let session = try LockedSession.unlocked(sessionId, on: db)
            return SessionTerms(facts: session.facts, credits: session.credits, marketplaceEnabled: session.marketplaceEnabled)
        }
    }
}
