import Booking
import Foundation
import SQL

extension CatalogStore {

    /// The gym cancels a session (its owner or an admin): every confirmed booking is refunded
    /// in full whatever the hour, the waitlist is cancelled, everyone is told, and the index
    /// hears that the session is gone. Returns the bookings cancelled.
    @discardableResult
    public func cancelSession(sessionId: String, staff: String, reason: String, now: Int64) async throws -> Int {
        try await feed.transaction(on: database) { db in
            try db.setContext(.system)
            guard let tenant = try db.query("SELECT tenant_id FROM class_schedules WHERE id = $1", .text(sessionId)).first?["tenant_id"].text
            else { throw StoreError.notFound("session") }
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            let cancelled = try Self.cancel(sessionId, reason: reason, now: now, on: db)
            return (cancelled, [try CatalogChange.announceSession(sessionId, on: db)])
        }
    }

    /// Cancels a session inside the caller's transaction, whose context may write the gym's
    /// catalog: refunds and tells its members (leaving the context as the store's own).
    /// Returns the bookings cancelled.
    static func cancel(_ sessionId: String, reason: String, now: Int64, on db: any SQLConnection) throws -> Int {
        let session = try LockedSession.read(sessionId, on: db)
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
                _ = try Charges.refund(bookingId: id, ledgerTransaction: booking["ledger_transaction_id"].text, now: now, on: db)
            }
            try OutboxRows.notify(booking.text("user_id"), "session_cancelled", id, now: now, on: db)
            try OutboxRows.withdrawReminder(bookingId: id, on: db)
        }
        return bookings.count
    }
}
