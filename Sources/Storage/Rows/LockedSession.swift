import Booking
import Domain
import SQL

/// A session with what booking it needs, read with the session row locked.
struct LockedSession {
    var facts: SessionFacts
    var classId: String
    var credits: Int
    var marketplaceEnabled: Bool
    var tier: SubscriptionTier
    /// The gym's country, and the currency set for it (nil: its country's).
    var country: String
    var currency: String?
}

extension LockedSession {
    /// Locks the session's row until the transaction ends, then reads it, so no two bookings
    /// decide on the same count of spots. PostgreSQL takes the row lock first and reads in a
    /// second statement, which under READ COMMITTED sees everything committed before the lock
    /// was granted; SQLite's transaction already holds the database's write lock.
    static func read(_ id: String, on db: any SQLConnection) throws -> LockedSession {
        if db.dialect == .postgres {
            guard !(try db.query("SELECT id FROM class_schedules WHERE id = $1 FOR UPDATE", .text(id))).isEmpty else {
                throw StoreError.notFound("session")
            }
        }
        return try unlocked(id, on: db)
    }

    /// The same, without the lock: for showing a session, never for deciding on it.
    static func unlocked(_ id: String, on db: any SQLConnection) throws -> LockedSession {
        guard let row = try db.query(
            """
            SELECT s.id, s.tenant_id, s.class_id, s.start_time, s.end_time, s.capacity, s.available_spots, s.status,
                   s.booking_window_hours, s.cancellation_window_hours, c.credits_required, t.marketplace_enabled, t.subscription_tier,
                   t.country, t.currency, t.late_cancel_policy, t.no_show_limit, t.no_show_block_days,
                   COALESCE(c.waitlist_cutoff_minutes, t.waitlist_cutoff_minutes) AS waitlist_cutoff_minutes,
                   (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted') AS waitlisted
            FROM class_schedules s JOIN classes c ON c.id = s.class_id JOIN tenants t ON t.id = s.tenant_id
            WHERE s.id = $1
            """, .text(id)
        ).first else { throw StoreError.notFound("session") }
        let capacity = try row.int("capacity")
        return try LockedSession(
            facts: SessionFacts(
                id: id, tenantId: row.text("tenant_id"), start: row.int64("start_time"), end: row.int64("end_time"),
                capacity: capacity, confirmed: capacity - row.int("available_spots"),
                waitlisted: row.int("waitlisted"), isCancelled: try row.value("status", as: SessionStatus.self) == .cancelled,
                bookingWindowHours: row.int("booking_window_hours"),
                cancellationWindowHours: row.int("cancellation_window_hours"),
                policy: GymPolicy(
                    waitlistCutoffSeconds: row["waitlist_cutoff_minutes"].integer.map { $0 * 60 },
                    lateCancelRefunds: row["late_cancel_policy"].text == LateCancelPolicy.refund.rawValue,
                    noShowLimit: row["no_show_limit"].integer.map(Int.init),
                    noShowBlockDays: row["no_show_block_days"].integer.map(Int.init) ?? GymPolicy.defaultNoShowBlockDays
                )
            ),
            classId: row.text("class_id"), credits: row.int("credits_required"),
            marketplaceEnabled: row["marketplace_enabled"].integer == 1,
            tier: row["subscription_tier"].text.flatMap(SubscriptionTier.init) ?? .starter,
            country: row.text("country"), currency: row["currency"].text
        )
    }
}
