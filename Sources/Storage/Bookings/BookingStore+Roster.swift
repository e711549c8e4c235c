public import Booking
import Foundation
import SQL

/// One member on a session's roster.
public struct RosterEntry: Equatable, Sendable {
    public var bookingId: String
    public var userId: String
    public var firstName: String
    public var lastName: String
    public var status: BookingStatus
    /// 1 for the first in line; nil unless waitlisted.
    public var waitlistPosition: Int?
    public var checkedInAt: Int64?
    /// The staff member who checked them in (nil for a self check-in).
    public var checkedInBy: String?
    /// "qr", "name", "code" or "self".
    public var checkInMethod: String?
    public var isMarketplace: Bool
}

/// A session of the gym's day, with its counts.
public struct DaySession: Equatable, Sendable {
    public var sessionId: String
    public var classId: String
    public var className: String
    public var instructorId: String?
    public var start: Int64
    public var end: Int64
    public var capacity: Int
    public var isCancelled: Bool
    public var confirmed: Int
    public var waitlisted: Int
    public var checkedIn: Int
    public var noShows: Int
}

/// How a member was checked in.
public enum CheckInMethod: String, Sendable {
    case qr, name, selfService = "self"
    /// By the short code under the QR code (`DeskCode`), typed at the front desk.
    case deskCode = "code"
}

extension BookingStore {
    /// A session's members: confirmed, waitlisted (in queue order), checked in and no-shows,
    /// for any of its gym's staff. Cancelled bookings are left off.
    public func roster(sessionId: String, tenant: String, staff: String) async throws -> [RosterEntry] {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.require(staff, at: tenant, on: db, \.isStaff)
            guard !(try db.query("SELECT 1 FROM class_schedules WHERE id = $1 AND tenant_id = $2", .text(sessionId), .text(tenant))).isEmpty else {
                throw StoreError.notFound("session")
            }
            var position = 0
            return try db.query(
                """
                SELECT b.id, b.user_id, u.first_name, u.last_name, b.status, b.checked_in_at, b.checked_in_by, b.check_in_method, b.is_marketplace
                FROM bookings b JOIN users u ON u.id = b.user_id
                WHERE b.session_id = $1 AND b.tenant_id = $2 AND b.status <> 'cancelled'
                ORDER BY CASE b.status WHEN 'waitlisted' THEN 1 ELSE 0 END, b.waitlist_seq, u.first_name, u.last_name, b.id
                """, .text(sessionId), .text(tenant)
            ).map { row in
                let status = try row.value("status", as: BookingStatus.self)
                if status == .waitlisted { position += 1 }
                return try RosterEntry(
                    bookingId: row.text("id"), userId: row.text("user_id"), firstName: row.text("first_name"), lastName: row.text("last_name"),
                    status: status, waitlistPosition: status == .waitlisted ? position : nil, checkedInAt: row["checked_in_at"].integer,
                    checkedInBy: row.optionalText("checked_in_by"), checkInMethod: row.optionalText("check_in_method"),
                    isMarketplace: row["is_marketplace"].integer == 1
                )
            }
        }
    }

    /// Staff check a member in by name from the roster (no code): any staff of the session's
    /// gym, inside the check-in window; the staff member is recorded.
    public func checkInByName(bookingId: String, tenant: String, staff: String, now: Int64) async throws {
        try await database.transaction { db in try Self.attend(bookingId, tenant: tenant, staff: staff, method: .name, now: now, on: db) }
    }

    /// Staff check a member in by the desk code of a booking at one of the gym's sessions starting
    /// in [`from`, `to`) (the day at the desk). Returns the booking's id.
    public func checkIn(deskCode: String, tenant: String, staff: String, from: Int64, to: Int64, now: Int64) async throws -> String {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.require(staff, at: tenant, on: db, \.canCheckIn)
            let candidates = try db.query(
                """
                SELECT b.id FROM bookings b JOIN class_schedules s ON s.id = b.session_id
                WHERE b.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3 AND b.status IN ('confirmed', 'checked_in')
                """, .text(tenant), .integer(from), .integer(to)
            ).map { try $0.text("id") }
            guard let bookingId = candidates.first(where: { DeskCode.of(bookingId: $0) == deskCode }) else {
                throw StoreError.notFound("booking with that code today")
            }
            try Self.attend(bookingId, tenant: tenant, staff: staff, method: .deskCode, now: now, on: db)
            return bookingId
        }
    }

    /// Undoes a check-in made by mistake, while its session has not ended.
    public func undoCheckIn(bookingId: String, tenant: String, staff: String, now: Int64) async throws {
        try await database.transaction { db in
            let (session, status, _) = try Self.lockedBooking(bookingId, tenant: tenant, staff: staff, on: db)
            guard status == .checkedIn else { throw StoreError.refused(.notConfirmed) }
            guard now <= session.facts.end else { throw StoreError.refused(.sessionEnded) }
            try db.query(
                "UPDATE bookings SET status = 'confirmed', checked_in_at = NULL, checked_in_by = NULL, check_in_method = NULL, updated_at = $2 WHERE id = $1",
                .text(bookingId), .integer(now)
            )
        }
    }

    /// Marks a confirmed member who did not come as a no-show, once the session has started.
    /// Their credits stay spent, as they would when the session settles.
    public func markNoShow(bookingId: String, tenant: String, staff: String, now: Int64) async throws {
        try await database.transaction { db in
            let (session, status, _) = try Self.lockedBooking(bookingId, tenant: tenant, staff: staff, on: db)
            switch status {
            case .confirmed: break
            case .noShow: return
            case .checkedIn, .completed: throw StoreError.refused(.alreadyCheckedIn)
            case .cancelled: throw StoreError.refused(.bookingCancelled)
            case .waitlisted: throw StoreError.refused(.notConfirmed)
            }
            guard now >= session.facts.start else { throw StoreError.refused(.sessionNotStarted) }
            try db.query("UPDATE bookings SET status = 'no_show', updated_at = $2 WHERE id = $1", .text(bookingId), .integer(now))
        }
    }

    /// The gym's sessions starting in [`from`, `to`) (a local day), with their counts, for staff.
    public func day(tenant: String, staff: String, from: Int64, to: Int64) async throws -> [DaySession] {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.require(staff, at: tenant, on: db, \.isStaff)
            return try db.query(
                """
                SELECT s.id, s.class_id, c.name, COALESCE(s.instructor_id, c.instructor_id) AS instructor_id, s.start_time, s.end_time,
                    s.capacity, s.status,
                    SUM(CASE WHEN b.status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
                    SUM(CASE WHEN b.status = 'waitlisted' THEN 1 ELSE 0 END) AS waitlisted,
                    SUM(CASE WHEN b.status IN ('checked_in', 'completed') THEN 1 ELSE 0 END) AS checked_in,
                    SUM(CASE WHEN b.status = 'no_show' THEN 1 ELSE 0 END) AS no_shows
                FROM class_schedules s JOIN classes c ON c.id = s.class_id LEFT JOIN bookings b ON b.session_id = s.id
                WHERE s.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3
                GROUP BY s.id, s.class_id, c.name, s.instructor_id, c.instructor_id, s.start_time, s.end_time, s.capacity, s.status
                ORDER BY s.start_time, s.id
                """, .text(tenant), .integer(from), .integer(to)
            ).map {
                try DaySession(
                    sessionId: $0.text("id"), classId: $0.text("class_id"), className: $0.text("name"), instructorId: $0.optionalText("instructor_id"),
                    start: $0.int64("start_time"), end: $0.int64("end_time"), capacity: $0.int("capacity"),
                    isCancelled: $0["status"].text == "cancelled", confirmed: Int($0["confirmed"].integer ?? 0),
                    waitlisted: Int($0["waitlisted"].integer ?? 0), checkedIn: Int($0["checked_in"].integer ?? 0), noShows: Int($0["no_shows"].integer ?? 0)
                )
            }
        }
    }

    // MARK: Internals

    /// A booking of `tenant`, its session locked, for a staff member of that gym: the session,
    /// the booking's status as the lock leaves it, and its member.
    static func lockedBooking(
        _ bookingId: String, tenant: String, staff: String, on db: any SQLConnection
    ) throws -> (LockedSession, BookingStatus, String) {
        try db.setContext(.tenant(tenant, user: staff))
        try Authorization.require(staff, at: tenant, on: db, \.canCheckIn)
        guard let found = try db.query("SELECT session_id FROM bookings WHERE id = $1 AND tenant_id = $2", .text(bookingId), .text(tenant)).first
        else { throw StoreError.notFound("booking") }
        let session = try LockedSession.read(found.text("session_id"), on: db)
        let row = try db.one("SELECT status, user_id FROM bookings WHERE id = $1", .text(bookingId))
        return (session, try row.value("status", as: BookingStatus.self), try row.text("user_id"))
    }

    /// A staff check-in at the desk, inside the check-in window, with the member told.
    static func attend(_ bookingId: String, tenant: String, staff: String, method: CheckInMethod, now: Int64, on db: any SQLConnection) throws {
        let (session, status, member) = try lockedBooking(bookingId, tenant: tenant, staff: staff, on: db)
        if let refusal = BookingRules.attendable(status: status, session: session.facts, now: now) { throw StoreError.refused(refusal) }
        try markCheckedIn(bookingId, at: now, by: staff, method: method, on: db)
        try OutboxRows.notify(member, "checked_in", bookingId, now: now, on: db)
    }

    /// Records a check-in: when, by which staff member (nil: the member themself), and how.
    static func markCheckedIn(_ bookingId: String, at time: Int64, by staff: String?, method: CheckInMethod, on db: any SQLConnection) throws {
        try db.query(
            "UPDATE bookings SET status = 'checked_in', checked_in_at = $2, updated_at = $2, checked_in_by = $3, check_in_method = $4 WHERE id = $1",
            .text(bookingId), .integer(time), SQLValue(staff), .text(method.rawValue)
        )
    }
}
