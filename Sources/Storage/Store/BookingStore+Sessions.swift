public import Booking
import Foundation

extension BookingStore {
    /// Gives `user` a role at a gym (owner, admin, instructor), replacing any role they had there.
    public func grantRole(user: String, tenant: String, role: BookingRules.StaffRole) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                """
                INSERT INTO user_tenant_roles (user_id, tenant_id, role) VALUES ($1, $2, $3)
                ON CONFLICT (user_id, tenant_id) DO UPDATE SET role = excluded.role
                """, .text(user), .text(tenant), .text(role.rawValue)
            )
        }
    }

    /// The gym cancels a session (its owner or an admin): every confirmed booking is refunded
    /// in full whatever the hour, the waitlist is cancelled, everyone is told, and the index
    /// hears that the session is gone. Returns the bookings cancelled.
    @discardableResult
    public func cancelSession(sessionId: String, staff: String, reason: String, now: Int64) async throws -> Int {
        try await changingSpots { db in
            try db.setContext(.system)
            guard let tenant = try db.query("SELECT tenant_id FROM class_schedules WHERE id = $1", .text(sessionId)).first?["tenant_id"].text
            else { throw StoreError.notFound("session") }
            try db.setContext(.tenant(tenant, user: staff))
            let role = try db.query("SELECT role FROM user_tenant_roles WHERE user_id = $1 AND tenant_id = $2", .text(staff), .text(tenant))
                .first.flatMap { $0["role"].text }.flatMap(BookingRules.StaffRole.init)
            guard role == .owner || role == .admin else { throw StoreError.refused(.forbidden) }
            let session = try Self.lockedSession(sessionId, on: db)
            if session.facts.isCancelled { throw StoreError.refused(.sessionCancelled) }
            try db.query(
                "UPDATE class_schedules SET status = 'cancelled', spots_updated_at = $2 WHERE id = $1", .text(sessionId), .integer(now)
            )
            // Refunds touch members' credits and the ledger: the store's bookkeeping.
            try db.setContext(.system)
            let bookings = try db.query(
                """
                SELECT id, user_id, status, ledger_transaction_id FROM bookings
                WHERE session_id = $1 AND status IN ('confirmed', 'waitlisted', 'checked_in')
                """, .text(sessionId)
            )
            for booking in bookings {
                let id = try booking.text("id")
                try db.query(
                    "UPDATE bookings SET status = 'cancelled', cancel_reason = $2, updated_at = $3 WHERE id = $1",
                    .text(id), .text("session_cancelled: \(reason)"), .integer(now)
                )
                if booking["status"].text != BookingStatus.waitlisted.rawValue {
                    _ = try Self.refund(bookingId: id, ledgerTransaction: booking["ledger_transaction_id"].text, now: now, on: db)
                }
                try Self.notify(booking.text("user_id"), "session_cancelled", id, now: now, on: db)
                try Self.withdrawReminder(bookingId: id, on: db)
            }
            return (bookings.count, [try Self.announce(sessionId, on: db)])
        }
    }
}
