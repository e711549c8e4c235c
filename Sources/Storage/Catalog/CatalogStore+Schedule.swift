public import Domain
import SQL

/// One session of a gym's timetable, as its public page and the app list it.
public struct ScheduledSession: Equatable, Sendable {
    public var id: String
    public var tenantId: String
    public var classId: String
    public var className: String
    /// The class's instructor (sessions have no instructor of their own yet).
    public var instructorId: String?
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
            return try db.query(
                """
                SELECT s.id, s.tenant_id, s.class_id, c.name, c.instructor_id, s.start_time, s.end_time, s.capacity, s.available_spots,
                    s.booking_window_hours, s.cancellation_window_hours, s.status, t.timezone
                FROM class_schedules s JOIN classes c ON c.id = s.class_id JOIN tenants t ON t.id = s.tenant_id
                WHERE s.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3 ORDER BY s.start_time, s.id LIMIT $4
                """, .text(tenant), .integer(from), .integer(to), .integer(Int64(limit))
            ).map { row in
                try ScheduledSession(
                    id: row.text("id"), tenantId: row.text("tenant_id"), classId: row.text("class_id"), className: row.text("name"),
                    instructorId: row.optionalText("instructor_id"), startTime: row.int64("start_time"), endTime: row.int64("end_time"),
                    capacity: row.int("capacity"), availableSpots: row.int("available_spots"), bookingWindowHours: row.int("booking_window_hours"),
                    cancellationWindowHours: row.int("cancellation_window_hours"), status: row.value("status", as: SessionStatus.self),
                    timezone: row.text("timezone")
                )
            }
        }
    }
}
