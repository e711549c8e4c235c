public import Domain
import SQL

/// One session of a gym's timetable, as its public page and the app list it.
public struct ScheduledSession: Equatable, Sendable {
    public var id: String
    public var tenantId: String
    public var classId: String
    public var className: String
    /// The session's own instructor (one standing in), else the class's.
    public var instructorId: String?
    /// What the gym tells members about this session.
    public var notes: String?
    public var startTime: Int64
    public var endTime: Int64
    public var capacity: Int
    public var availableSpots: Int
    public var bookingWindowHours: Int
    public var cancellationWindowHours: Int
    public var status: SessionStatus
    /// The gym's IANA time zone, in which the session's times are shown.
    public var timezone: String
}

extension CatalogStore {
    /// A gym's sessions starting in [`from`, `to`), soonest first, cancelled ones included
    /// (marked so), at most `limit`.
    public func schedule(tenant: String, from: Int64, to: Int64, limit: Int = 500) async throws -> [ScheduledSession] {
        try await database.transaction { db in
            try db.setContext(.system)
            return try Self.sessions(
                "s.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3 ORDER BY s.start_time, s.id LIMIT $4",
                [.text(tenant), .integer(from), .integer(to), .integer(Int64(limit))], on: db
            )
        }
    }

    /// One session, as the timetable lists it.
    public func scheduledSession(id: String) async throws -> ScheduledSession? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try Self.sessions("s.id = $1", [.text(id)], on: db).first
        }
    }

    static func sessions(_ condition: String, _ parameters: [SQLValue], on db: any SQLConnection) throws -> [ScheduledSession] {
        try db.query(
            """
            SELECT s.id, s.tenant_id, s.class_id, c.name, COALESCE(s.instructor_id, c.instructor_id) AS instructor_id, s.notes, s.start_time,
                s.end_time, s.capacity, s.available_spots, s.booking_window_hours, s.cancellation_window_hours, s.status, t.timezone
            FROM class_schedules s JOIN classes c ON c.id = s.class_id JOIN tenants t ON t.id = s.tenant_id
            WHERE \(condition)
            """, parameters
        ).map { row in
            try ScheduledSession(
                id: row.text("id"), tenantId: row.text("tenant_id"), classId: row.text("class_id"), className: row.text("name"),
                instructorId: row.optionalText("instructor_id"), notes: row.optionalText("notes"), startTime: row.int64("start_time"),
                endTime: row.int64("end_time"), capacity: row.int("capacity"), availableSpots: row.int("available_spots"),
                bookingWindowHours: row.int("booking_window_hours"), cancellationWindowHours: row.int("cancellation_window_hours"),
                status: row.value("status", as: SessionStatus.self), timezone: row.text("timezone")
            )
        }
    }

    /// Changes what a session says of itself: its notes, and an instructor standing in for the
    /// class's (`.some(nil)` clears either). Only the gym's owner or an admin may, and the
    /// instructor must work at the gym.
    public func updateSession(sessionId: String, tenant: String, staff: String, notes: String??, instructor: String??) async throws {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            guard try db.query("SELECT 1 FROM class_schedules WHERE id = $1 AND tenant_id = $2", .text(sessionId), .text(tenant)).first != nil else {
                throw StoreError.notFound("session")
            }
            if case .some(.some(let instructor)) = instructor {
                guard try Authorization.role(of: instructor, at: tenant, on: db)?.isStaff == true else {
                    throw StoreError.invalid("instructor_id must be someone on this gym's staff")
                }
            }
            if let notes { try db.query("UPDATE class_schedules SET notes = $2 WHERE id = $1", .text(sessionId), SQLValue(notes)) }
            if let instructor { try db.query("UPDATE class_schedules SET instructor_id = $2 WHERE id = $1", .text(sessionId), SQLValue(instructor)) }
        }
    }
}
