import Foundation

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
}
