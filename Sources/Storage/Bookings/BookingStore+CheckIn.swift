import Booking
import Foundation

extension BookingStore {
    /// The QR code of a confirmed booking (its Ed25519-signed check-in code), valid until its
    /// session ends; nil for any other booking, or when check-in is not configured. Only its
    /// member is shown it.
    public func qrCode(for booking: BookingDetails) -> String? {
        guard booking.status == .confirmed, let tokens = checkInTokens else { return nil }
        return tokens.issue(CheckInToken.Claims(
            bookingId: booking.id, sessionId: booking.sessionId, tenantId: booking.tenantId, expiresAt: booking.endTime
        ))
    }

    /// The check-in code for a member's own confirmed booking, valid until the session ends.
    public func checkInToken(bookingId: String, member: String) async throws -> String {
        guard let tokens = checkInTokens else { throw StoreError.invalid("check-in is not configured (no secret)") }
        return try await database.transaction { db in
            try db.setContext(.member(member))
            guard let row = try db.query(
                """
                SELECT b.user_id, b.status, b.session_id, b.tenant_id, s.end_time FROM bookings b
                JOIN class_schedules s ON s.id = b.session_id WHERE b.id = $1
                """, .text(bookingId)
            ).first, row["user_id"].text == member else { throw StoreError.notFound("booking") }
            guard row["status"].text == BookingStatus.confirmed.rawValue else { throw StoreError.refused(.notConfirmed) }
            guard let code = try tokens.issue(CheckInToken.Claims(
                bookingId: bookingId, sessionId: row.text("session_id"), tenantId: row.text("tenant_id"), expiresAt: row.int64("end_time")
            )) else { throw StoreError.invalid("this session is too far ahead for a check-in code") }
            return code
        }
    }

    /// Gym staff check a member in by the booking's QR token.
    public func checkIn(bookingId: String, token: String, staff: String, now: Int64) async throws {
        guard checkInTokens != nil else { throw StoreError.invalid("check-in is not configured (no secret)") }
        try await database.transaction { db in
            // Find the booking's gym, then act as this staff member at that gym.
            try db.setContext(.system)
            guard let tenant = try db.query("SELECT tenant_id FROM bookings WHERE id = $1", .text(bookingId)).first?["tenant_id"].text
            else { throw StoreError.notFound("booking") }
            try db.setContext(.tenant(tenant, user: staff))
            guard let found = try db.query("SELECT session_id FROM bookings WHERE id = $1", .text(bookingId)).first
            else { throw StoreError.notFound("booking") }
            let session = try LockedSession.read(found.text("session_id"), on: db)
            // The status as the session's lock leaves it (a cancellation may have just committed).
            guard let row = try db.query("SELECT user_id, status FROM bookings WHERE id = $1", .text(bookingId)).first,
                let status = row["status"].text.flatMap(BookingStatus.init)
            else { throw StoreError.notFound("booking") }
            // The staff member's role at the session's gym, if any.
            let role = try Authorization.role(of: staff, at: session.facts.tenantId, on: db)
            let verdict = BookingRules.checkIn(
                bookingId: bookingId, status: status, session: session.facts, staffRole: role, staffTenant: session.facts.tenantId,
                token: verifyCode(token, at: now, on: db), now: now
            )
            if case .failure(let refusal) = verdict { throw StoreError.refused(refusal) }
            try Self.markCheckedIn(bookingId, at: now, by: staff, method: .qr, on: db)
            try OutboxRows.notify(row.text("user_id"), "checked_in", bookingId, now: now, on: db)
        }
    }

    /// After sessions end: confirmed bookings without a check-in become no-shows, checked-in
    /// ones completed. Returns how many changed.
    @discardableResult
    public func settleEndedSessions(now: Int64) async throws -> (noShows: Int, completed: Int) {
        try await database.transaction { db in
            try db.setContext(.system)
            let ended = "session_id IN (SELECT id FROM class_schedules WHERE end_time <= $1)"
            try db.query("UPDATE bookings SET status = 'no_show', updated_at = $1 WHERE status = 'confirmed' AND \(ended)", .integer(now))
            let noShows = db.changes
            try db.query("UPDATE bookings SET status = 'completed', updated_at = $1 WHERE status = 'checked_in' AND \(ended)", .integer(now))
            return (noShows, db.changes)
        }
    }

}
